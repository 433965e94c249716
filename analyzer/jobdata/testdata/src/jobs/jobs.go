package jobs

import (
	"context"
	"maps"

	"github.com/routigen/routigen/runtime"
)

const countKey = "count"

// The fault from the Python original's docs: job.set_data("count", n).
func docsExample(ctx context.Context, n int) error {
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return err
	}
	job.SetData("count", n) // want `job.SetData writes raw job data under the flat key "count", which every routine instance in the job shares; keep the value in a //routigen:state scope=job struct`
	return nil
}

func loop(ec *runtime.ExecContext, i int) {
	ec.Job.SetData("loop_iteration", i) // want `ec.Job.SetData writes raw job data under the flat key "loop_iteration"`
	ec.Job.DeleteData("loop_" + "done") // want `ec.Job.DeleteData deletes raw job data under the flat key "loop_done"`
	ec.Job.SetData(countKey, i)         // want `under the flat key "count"`
}

func dynamicKey(job *runtime.JobContext, id string) {
	job.SetData("loop_iteration_"+id, 1) // want `job.SetData writes raw job data under a flat key,`
}

func methodValue(job *runtime.JobContext) {
	f := job.SetData // want `job.SetData used as a function value`
	f("k", 1)
	g := (*runtime.JobContext).DeleteData // want `\(\*runtime.JobContext\).DeleteData used as a function value`
	g(job, "k")
	(*runtime.JobContext).SetData(job, "k", 2) // want `\(\*runtime.JobContext\).SetData writes raw job data under the flat key "k"`
}

func deferred(job *runtime.JobContext) {
	defer job.DeleteData("tmp") // want `job.DeleteData deletes raw job data under the flat key "tmp"`
	go job.SetData("bg", 1)     // want `under the flat key "bg"`
}

type embedsJob struct {
	*runtime.JobContext
}

func embedded(e embedsJob) {
	e.SetData("k", 1) // want `e.SetData writes raw job data under the flat key "k"`
}

func inClosure(job *runtime.JobContext) func() {
	return func() {
		job.SetData("later", 1) // want `under the flat key "later"`
	}
}

// Writes into the copies Data and Metadata return.

func copyWrites(job *runtime.JobContext) {
	job.Data()["direct"] = 1 // want `this assignment to "direct" never reaches the job: the map Data\(\) returns is a copy of the job's data;`
	m := job.Data()
	m["k"] = 1                // want `this assignment to "k" never reaches the job`
	m["n"] = m["n"].(int) + 1 // want `this assignment to "n" never reaches the job`
	m[countKey] = 2           // want `this assignment to "count" never reaches the job`
	delete(m, "k")            // want `this delete of "k" never reaches the job: the map Data\(\) returns is a copy`
	clear(m)                  // want `this clear never reaches the job`
	md := job.Metadata()
	md["trace"] = "x"                      // want `this assignment to "trace" never reaches the job: the map Metadata\(\) returns is a copy of the job's metadata;`
	maps.Copy(md, runtime.Message{"a": 1}) // want `this maps.Copy never reaches the job: the map Metadata\(\) returns is a copy of the job's metadata;`
	delete(md, "trace")                    // want `this delete of "trace" never reaches the job: the map Metadata\(\) returns is a copy of the job's metadata;`
}

func aliases(job *runtime.JobContext, cond bool) {
	m := job.Data()
	alias := m
	var again runtime.Message = alias
	again["k"] = 1 // want `never reaches the job`
	n := runtime.Message{}
	if cond {
		n = job.Data()
	}
	n["maybe"] = 1 // want `never reaches the job`
}

type named map[string]any

func converted(job *runtime.JobContext) {
	m := named(job.Data())
	m["k"] = 1 // want `never reaches the job`
}

func captured(job *runtime.JobContext) {
	m := job.Data()
	func() {
		m["k"] = 1 // want `never reaches the job`
	}()
	var later runtime.Message
	later = job.Metadata()
	set := func(k string) {
		later[k] = true // want `never reaches the job`
	}
	set("x")
}

func dataOf(job *runtime.JobContext) runtime.Message { return job.Data() }

func dataAndErr(job *runtime.JobContext) (runtime.Message, error) { return job.Data(), nil }

func helpers(job *runtime.JobContext) {
	m := dataOf(job)
	m["k"] = 1 // want `never reaches the job`
	m2, _ := dataAndErr(job)
	m2["k"] = 1 // want `never reaches the job`
}

func counter(m runtime.Message) { // want counter:`writes map parameters \[0\]`
	m["n"] = 1
}

type holder struct {
	data runtime.Message
	own  runtime.Message
}

func inStructField(job *runtime.JobContext) {
	var h holder
	h.data = job.Data()
	h.own = runtime.Message{}
	h.data["k"] = 1 // want `never reaches the job`
	h.own["k"] = 1
}

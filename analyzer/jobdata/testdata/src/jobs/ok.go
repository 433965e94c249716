package jobs

import (
	"context"
	"maps"

	fake "example.com/fake/runtime"

	"github.com/routigen/routigen/runtime"
)

// Negatives: none of these is reported.

func reads(job *runtime.JobContext) (any, int) {
	v, _ := job.GetData("count")
	m := job.Data()
	n := len(m)
	for k := range job.Metadata() {
		_ = k
	}
	_ = m["k"]
	return v, n
}

func buildMessage(job *runtime.JobContext) runtime.Message {
	out := runtime.Message{"id": job.ID()}
	out["extra"] = 1
	delete(out, "extra")
	return out
}

func cloneIsDifferentMap(job *runtime.JobContext) runtime.Message {
	// A clone is a map of the caller's own, not the copy Data returned.
	m := maps.Clone(job.Data())
	m["k"] = 1
	return m
}

func reassigned(job *runtime.JobContext) runtime.Message {
	m := job.Data()
	_ = m
	m = runtime.Message{}
	m["k"] = 1
	return m
}

func shadowed(job *runtime.JobContext) {
	m := job.Data()
	_ = m
	{
		m := runtime.Message{}
		m["k"] = 1
	}
}

func copyInto(job *runtime.JobContext) runtime.Message {
	dst := runtime.Message{}
	maps.Copy(dst, job.Data()) // reading from the copy is fine
	return dst
}

// A type of our own with the same method names.
type fakeJob struct{ data map[string]any }

func (f *fakeJob) SetData(key string, v any) { f.data[key] = v }
func (f *fakeJob) Data() map[string]any      { return f.data }

func notTheRuntime(f *fakeJob) {
	f.SetData("k", 1)
	f.Data()["k"] = 2
}

// Through an interface of the user's own: the dynamic type is unknown.
type setter interface{ SetData(string, any) }

func viaInterface(s setter) {
	s.SetData("k", 1)
}

func typed(ctx context.Context) error {
	_, err := runtime.RequireJob(ctx)
	return err
}

func suppressed(job *runtime.JobContext) {
	job.SetData("legacy", 1) //routigen:ignore jobdata read by the v1 dashboard
	//routigen:ignore jobdata,workerkey migration shim
	job.Data()["k"] = 1
}

func unusedIgnore(job *runtime.JobContext) {
	// want +1 `jobdata: unused //routigen:ignore: this check reports nothing`
	//routigen:ignore jobdata nothing to suppress here
	_, _ = job.GetData("k")
}

func ignoreWithoutReason(job *runtime.JobContext) {
	// want +1 `malformed ignore directive: missing reason`
	//routigen:ignore jobdata
	job.SetData("k", 1) // want `under the flat key "k"`
}

func sameNamesOtherPath(j *fake.JobContext) {
	j.SetData("k", 1)
	j.DeleteData("k")
	j.Data()["k"] = 1
	f := j.SetData
	f("k", 2)
}

func passedOn(job *runtime.JobContext) {
	counter(job.Data()) // want `jobdata: counter writes into its argument 1, the map Data\(\) returns: a copy of the job's data, so the write never reaches the job`
}

func recloned(job *runtime.JobContext) runtime.Message {
	m := job.Data()
	m = maps.Clone(m)
	m["k"] = 1
	return m
}

func branchesWithoutCopy(job *runtime.JobContext, cond bool) runtime.Message {
	var m runtime.Message
	if cond {
		m = runtime.Message{"a": 1}
	} else {
		m = make(runtime.Message)
	}
	m["k"] = job.Data()["k"]
	return m
}

func closureOwnMap(job *runtime.JobContext) func() runtime.Message {
	return func() runtime.Message {
		m := runtime.Message{}
		for k, v := range job.Data() {
			m[k] = v
		}
		return m
	}
}

func helperReturnsFresh(job *runtime.JobContext) runtime.Message {
	m := fresh(job)
	m["k"] = 1
	return m
}

func fresh(job *runtime.JobContext) runtime.Message {
	return runtime.Message{"id": job.ID()}
}

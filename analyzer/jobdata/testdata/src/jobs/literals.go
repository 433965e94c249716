package jobs

import "github.com/routigen/routigen/runtime"

type batch struct {
	meta  runtime.Message
	extra runtime.Message
	n     int
}

func literalValue(job *runtime.JobContext, k string) {
	b := batch{meta: job.Metadata(), extra: runtime.Message{}}
	b.meta[k] = 1 // want `jobdata: this assignment never reaches the job: the map Metadata\(\) returns is a copy of the job's metadata;`
	b.extra[k] = 1
	b.n++
}

func literalPointer(job *runtime.JobContext) {
	b := &batch{meta: job.Data()}
	delete(b.meta, "k") // want `this delete of "k" never reaches the job`
}

func literalVar(job *runtime.JobContext) {
	var b = batch{meta: job.Data()}
	b.meta["x"] = 1 // want `this assignment to "x" never reaches the job`
}

func literalPositional(job *runtime.JobContext) {
	b := batch{job.Data(), nil, 0}
	clear(b.meta) // want `this clear never reaches the job`
}

func literalSlice(job *runtime.JobContext) {
	all := []runtime.Message{job.Data(), job.Metadata()}
	all[0]["k"] = 1 // want `never reaches the job`
}

func literalMapOfMaps(job *runtime.JobContext) {
	byName := map[string]runtime.Message{"data": job.Data()}
	byName["data"]["k"] = 1 // want `never reaches the job`
}

// Negatives: fresh maps in literals, reads of the copy, a copy kept for
// reading only.

func literalFresh(job *runtime.JobContext) {
	b := batch{meta: runtime.Message{}, extra: make(runtime.Message)}
	b.meta["k"] = job.ID()
	b.extra["id"] = job.ID()
}

func literalRead(job *runtime.JobContext) int {
	b := batch{meta: job.Metadata()}
	n, _ := b.meta["n"].(int)
	return n + len(b.meta)
}

func literalOtherField(job *runtime.JobContext) {
	b := batch{meta: job.Data(), extra: runtime.Message{}}
	b.extra["k"] = len(b.meta)
}

func literalCopied(job *runtime.JobContext) {
	b := batch{meta: job.Data()}
	own := runtime.Message{}
	for k, v := range b.meta {
		own[k] = v
	}
	own["k"] = 1
}

package jobs

import (
	"mapx"

	"github.com/routigen/routigen/runtime"
)

func stamped(job *runtime.JobContext) {
	mapx.Stamp(job.Metadata(), "seen") // want `jobdata: Stamp writes into its argument 1, the map Metadata\(\) returns: a copy of the job's metadata, so the write never reaches the job`
}

func merged(job *runtime.JobContext, extra runtime.Message) { // want merged:`writes map parameters \[1\]`
	mapx.Merge(job.Data(), extra) // want `Merge writes into its argument 1`
	mapx.Merge(extra, job.Data()) // the copy is only read
}

func forgotten(job *runtime.JobContext) {
	d := job.Data()
	mapx.Forget(d) // want `Forget writes into its argument 1`
}

func marked(job *runtime.JobContext, r *mapx.Recorder) {
	r.Mark(job.Data()) // want `Mark writes into its argument 1`
	r.Note(job.Data(), "k")
}

func localWriter(job *runtime.JobContext) {
	fill(job.Data()) // want `fill writes into its argument 1`
}

func fill(m runtime.Message) { m["filled"] = true } // want fill:`writes map parameters \[0\]`

// Negatives: helpers that read, clone, or rebind the parameter, and writers
// handed a map of our own.
func readers(job *runtime.JobContext) int {
	n := mapx.Count(job.Data())
	c := mapx.Clone(job.Metadata())
	c["x"] = 1
	r := mapx.Rebound(job.Data())
	r["y"] = 2
	own := runtime.Message{}
	mapx.Stamp(own, "k")
	fill(own)
	return n
}

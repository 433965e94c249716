package jobs

import (
	"maps"
	"strings"

	"github.com/routigen/routigen/runtime"
)

// More negatives: reading the copies, in the shapes real code takes.

// copyInto's source is the copy; the destination is written.
func copyInto2(dst, src runtime.Message) { // want copyInto2:`writes map parameters \[0\]`
	for k, v := range src {
		dst[k] = v
	}
}

func copiesFrom(job *runtime.JobContext) runtime.Message {
	out := runtime.Message{}
	copyInto2(out, job.Data())
	copyInto2(out, job.Metadata())
	maps.Insert(out, maps.All(job.Metadata()))
	upper := make(runtime.Message)
	for k, v := range job.Data() {
		upper[strings.ToUpper(k)] = v
	}
	upper["n"] = len(upper)
	return out
}

// A variable that holds the copy on one path and a fresh map on the
// other, written only on the fresh path.
func freshOnEmpty(job *runtime.JobContext) runtime.Message {
	m := job.Data()
	if len(m) == 0 {
		fresh := runtime.Message{}
		fresh["empty"] = true
		return fresh
	}
	return m
}

// The copy's values moved into a new message.
func picked(job *runtime.JobContext) runtime.Message {
	m := job.Metadata()
	n := runtime.Message{"trace": m["trace"]}
	n["picked"] = true
	return n
}

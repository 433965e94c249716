package jobs

import "github.com/routigen/routigen/runtime"

func f(job *runtime.JobContext) {
	job.SetData("count", 1) // want `under the flat key "count"`
}

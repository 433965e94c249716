package precision

import (
	"context"
	"fmt"

	"github.com/routigen/routigen/runtime"
)

func viaVariableNotNil(ctx context.Context) error {
	var ec *runtime.ExecContext
	if e, ok := runtime.ExecFromContext(ctx); ok {
		ec = e
	}
	if ec != nil {
		ec.Job.Trace(ec.RoutineID, "a", nil)
		return nil
	}
	return fmt.Errorf("via variable: %w", runtime.ErrNoRoutine)
}

func viaVariableElse(ctx context.Context) error {
	var job *runtime.JobContext
	if j, ok := runtime.JobFromContext(ctx); ok {
		job = j
	} else {
		job = nil
	}
	if job == nil {
		panic("precision: no job")
	}
	job.Trace("r", "a", nil)
	return nil
}

// The variable keeps a default when the job is missing: a fallback.
func viaVariableDefault(ctx context.Context, spare *runtime.JobContext) {
	job := spare
	if j, ok := runtime.JobFromContext(ctx); ok { // want `nilfallback: runtime.JobFromContext (falls back|silently skips the work) when the job is missing`
		job = j
	}
	job.Trace("r", "a", nil)
}

func viaVariableFallsBack(ctx context.Context) {
	var job *runtime.JobContext
	if j, ok := runtime.JobFromContext(ctx); ok { // want `nilfallback: runtime.JobFromContext (falls back|silently skips the work) when the job is missing`
		job = j
	}
	if job == nil {
		return
	}
	job.Trace("r", "a", nil)
}

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

// An error variable set on the missing path and tested after.
func errVariable(ctx context.Context) error {
	var err error
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		err = fmt.Errorf("err variable: %w", runtime.ErrNoJob)
	}
	if err != nil {
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func errVariableSentinel(ctx context.Context) error {
	var err error
	ec, ok := runtime.ExecFromContext(ctx)
	if !ok {
		err = errNoRoutine
	}
	if err == nil {
		ec.Job.Trace(ec.RoutineID, "a", nil)
	}
	return err
}

// A flag set on the missing path and tested after.
func missingFlag(ctx context.Context) error {
	missing := false
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		missing = true
	}
	if missing {
		return errNoJob
	}
	job.Trace("r", "a", nil)
	return nil
}

// A function literal that returns a lookup's results is a helper; the
// message names it as the source does (lookup), not as SSA does (use$1).
func closureHelper(ctx context.Context) error {
	lookup := func() (*runtime.JobContext, bool) { return runtime.JobFromContext(ctx) }
	j, ok := lookup() // want `nilfallback: lookup \(which returns runtime.JobFromContext\) falls back when the job is missing`
	if !ok {
		return nil
	}
	j.Trace("r", "a", nil)
	return nil
}

func literalHelper(ctx context.Context) error {
	j, ok := func() (*runtime.JobContext, bool) { return runtime.JobFromContext(ctx) }() // want `nilfallback: a function literal \(which returns runtime.JobFromContext\) falls back`
	if !ok {
		return nil
	}
	j.Trace("r", "a", nil)
	return nil
}

// Package a holds the cases of the nilfallback check.
package a

import (
	"context"

	"github.com/routigen/routigen/runtime"
)

// The faults the Python original's own analysis found, in Go.

// loopController falls back to worker state when there is no job.
func loopController(ctx context.Context, in runtime.Input) error {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	job, ok := runtime.JobFromContext(ctx) // want `nilfallback: runtime.JobFromContext falls back when the job is missing; fail fast: use runtime.RequireJob and return its error`
	var iteration int
	if !ok {
		st := ec.Worker.RoutineState(ec.RoutineID)
		iteration, _ = st["iteration"].(int)
	} else {
		v, _ := job.GetData("iteration")
		iteration, _ = v.(int)
	}
	return runtime.Emit(ctx, "next", runtime.Message{"iteration": iteration + 1})
}

// counter uses the input length when the routine id is missing.
func counter(ctx context.Context, in runtime.Input) error {
	ec, _ := runtime.ExecFromContext(ctx) // want `nilfallback: runtime.ExecFromContext falls back when the routine activation is missing; fail fast: use runtime.RequireExec and return its error`
	var count int
	if ec == nil || ec.RoutineID == "" {
		count = len(in.Slot("in"))
	} else {
		st := ec.Worker.RoutineState(ec.RoutineID)
		n, _ := st["count"].(int)
		count = n + len(in.Slot("in"))
	}
	return runtime.Emit(ctx, "out", runtime.Message{"count": count})
}

// tracer silently skips the trace when there is no job.
func tracer(ctx context.Context, in runtime.Input) error {
	if job, ok := runtime.JobFromContext(ctx); ok { // want `nilfallback: runtime.JobFromContext silently skips the work when the job is missing`
		job.Trace("tracer", "seen", nil)
	}
	return nil
}

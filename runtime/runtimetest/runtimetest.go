// Package runtimetest builds contexts for unit-testing routine logic and
// generated state accessors without a running flow.
package runtimetest

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/internal/testemit"
)

// FlowID is the flow id of every context NewContext builds.
const FlowID = "test-flow"

var seq atomic.Int64

// NewContext returns a context that looks like an activation of routineID:
// it carries a fresh job and a fresh worker, both of flow FlowID. The job is
// marked completed when the test ends, so nothing waits on it. runtime.Emit
// works in it (and in contexts WithRoutine derives from it): emits go
// nowhere but are recorded, for Emitted.
func NewContext(tb testing.TB, routineID string) (context.Context, *runtime.JobContext, *runtime.WorkerState) {
	tb.Helper()
	n := seq.Add(1)
	worker := runtime.NewWorkerState(tb.Name()+"-worker-"+strconv.FormatInt(n, 10), FlowID)
	job := runtime.NewJobContext(tb.Name()+"-job-"+strconv.FormatInt(n, 10), FlowID, worker.ID(), nil)
	tb.Cleanup(job.Complete)
	ctx := runtime.WithExec(testemit.With(tb.Context(), new(recorder)), &runtime.ExecContext{
		RoutineID: routineID,
		FlowID:    FlowID,
		Job:       job,
		Worker:    worker,
	})
	return ctx, job, worker
}

// WithRoutine returns ctx seen from another routine instance: same job and
// worker, routine id routineID. ctx must carry a job (from NewContext or a
// real activation).
func WithRoutine(ctx context.Context, routineID string) context.Context {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		panic("runtimetest: WithRoutine: context carries no job")
	}
	ec := &runtime.ExecContext{RoutineID: routineID, FlowID: job.FlowID(), Job: job}
	if cur, ok := runtime.ExecFromContext(ctx); ok {
		ec.Worker = cur.Worker
	}
	return runtime.WithExec(ctx, ec)
}

package runtime

import (
	"context"
	"fmt"
)

// ExecContext is what an activation knows about where it runs. The runtime
// puts one into the context of every activation, of entry and downstream
// routines alike.
type ExecContext struct {
	// RoutineID is the id under which the routine was added to the flow.
	RoutineID string
	// FlowID is the id of the flow being executed.
	FlowID string
	// Job is the job this activation runs for.
	Job *JobContext
	// Worker is the worker the job runs on.
	Worker *WorkerState
	// Attempt counts the runs of the job: 1 on the first. Under a Backend
	// a job whose node died before it finished runs again, elsewhere, with
	// Attempt > 1 (see WithBackend): logic whose effects must not happen
	// twice checks it, or is idempotent.
	Attempt int

	// act is the running activation, set by the runtime only: Emit and
	// Logger need it, and a hand-built ExecContext has none.
	act *activation
}

type execKey struct{}

// WithExec returns a copy of ctx that carries ec. The runtime calls it for
// every activation; tests and tools use it (or package runtimetest) to run
// logic outside a flow.
func WithExec(ctx context.Context, ec *ExecContext) context.Context {
	return context.WithValue(ctx, execKey{}, ec)
}

// WithJob returns a copy of ctx that carries job but no routine activation:
// job-scope shared state is reachable from it, per-routine state is not.
// A nil job makes a context that carries no job (RequireJob fails).
func WithJob(ctx context.Context, job *JobContext) context.Context {
	if job == nil {
		return WithExec(ctx, &ExecContext{})
	}
	return WithExec(ctx, &ExecContext{FlowID: job.FlowID(), Job: job})
}

func execOf(ctx context.Context) *ExecContext {
	if ctx == nil {
		return nil
	}
	ec, _ := ctx.Value(execKey{}).(*ExecContext)
	return ec
}

// ExecFromContext returns the routine activation ctx carries. ok is false
// when ctx carries none (or only a job, see WithJob).
func ExecFromContext(ctx context.Context) (ec *ExecContext, ok bool) {
	ec = execOf(ctx)
	if ec == nil || ec.RoutineID == "" {
		return nil, false
	}
	return ec, true
}

// JobFromContext returns the job ctx carries.
func JobFromContext(ctx context.Context) (job *JobContext, ok bool) {
	ec := execOf(ctx)
	if ec == nil || ec.Job == nil {
		return nil, false
	}
	return ec.Job, true
}

// RequireExec is ExecFromContext that fails fast: the error wraps
// ErrNoRoutine.
func RequireExec(ctx context.Context) (*ExecContext, error) {
	ec, ok := ExecFromContext(ctx)
	if !ok {
		return nil, fmt.Errorf("runtime: require exec: %w", ErrNoRoutine)
	}
	return ec, nil
}

// RequireJob is JobFromContext that fails fast: the error wraps ErrNoJob.
func RequireJob(ctx context.Context) (*JobContext, error) {
	job, ok := JobFromContext(ctx)
	if !ok {
		return nil, fmt.Errorf("runtime: require job: %w", ErrNoJob)
	}
	return job, nil
}

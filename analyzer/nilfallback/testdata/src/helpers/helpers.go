// Package helpers holds lookup helpers for other packages: their callers are
// checked through facts.
package helpers

import (
	"context"
	"fmt"
	"log"

	"github.com/routigen/routigen/runtime"
)

// Job hands the lookup's results to the caller: a helper, not reported.
func Job(ctx context.Context) (*runtime.JobContext, bool) { // want Job:"lookup helper of runtime.JobFromContext"
	return runtime.JobFromContext(ctx)
}

// Exec wraps the error: a helper, not reported.
func Exec(ctx context.Context) (*runtime.ExecContext, error) { // want Exec:"lookup helper of runtime.RequireExec"
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return nil, fmt.Errorf("helpers: %w", err)
	}
	return ec, nil
}

// Routine returns nil when there is no activation: a helper, not reported.
func Routine(ctx context.Context) *runtime.ExecContext { // want Routine:"lookup helper of runtime.ExecFromContext"
	ec, ok := runtime.ExecFromContext(ctx)
	if !ok {
		return nil
	}
	return ec
}

// Source has a helper method, for method values.
type Source struct{}

// Job is a helper method.
func (s *Source) Job(ctx context.Context) (*runtime.JobContext, bool) { // want Job:"lookup helper of runtime.JobFromContext"
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return nil, false
	}
	return job, true
}

// MissingError is the error of a missing job.
type MissingError struct{ What string }

func (e *MissingError) Error() string { return "helpers: no " + e.What }

// ErrMissing never returns a nil error.
func ErrMissing(what string) error { // want ErrMissing:"always returns a non-nil error"
	err := &MissingError{What: what}
	return err
}

// Die never returns.
func Die(msg string) {
	log.Fatalf("helpers: %s", msg)
}

// FallbackJob is no helper: it falls back itself.
func FallbackJob(ctx context.Context) (*runtime.JobContext, bool) {
	job, ok := runtime.JobFromContext(ctx) // want `nilfallback: runtime.JobFromContext falls back when the job is missing; fail fast: use runtime.RequireJob and return its error`
	if !ok {
		return &runtime.JobContext{}, true
	}
	return job, true
}

// CurrentJob is no helper: it discards the ok and returns something else.
func CurrentJob(ctx context.Context) string {
	job, _ := runtime.JobFromContext(ctx) // want `nilfallback: the ok of runtime.JobFromContext is discarded, so code carries on when the job is missing`
	return job.ID()
}

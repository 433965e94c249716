package runtime

import "errors"

// Sentinel errors. Errors returned by this package wrap one of these where
// one applies, so callers test them with errors.Is.
var (
	// ErrNoJob reports a context that carries no job.
	ErrNoJob = errors.New("runtime: no job in context")
	// ErrNoRoutine reports a context that carries no routine activation.
	ErrNoRoutine = errors.New("runtime: no routine activation in context")
	// ErrClosed reports a call on a closed Runtime.
	ErrClosed = errors.New("runtime: closed")
)

var errJobFailed = errors.New("runtime: job failed")

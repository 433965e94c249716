package runtime

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of these where
// one applies, so callers test them with errors.Is.
//
// Error strings follow io/fs: a sentinel or a typed error says what went
// wrong and nothing more ("unknown flow"), and the call that fails says,
// once, where: "runtime: post: flow \"f\": unknown flow". Errors a job
// ends with (JobContext.Err) name the routine and no package: logic often
// returns runtime errors, and a job's error is often wrapped again.
var (
	// ErrNoJob reports a context that carries no job.
	ErrNoJob = errors.New("no job in context")
	// ErrNoRoutine reports a context that carries no routine activation.
	ErrNoRoutine = errors.New("no routine activation in context")
	// ErrClosed reports a call on a closed Runtime.
	ErrClosed = errors.New("closed")
	// ErrJobEnded reports an emit that delivered nothing because its job
	// had already ended: it failed or was cancelled while the logic ran
	// on (whose ctx is done by then too).
	ErrJobEnded = errors.New("job has ended")
)

var errJobFailed = errors.New("job failed")

// errGoexit is the Value of the *PanicError of logic that called
// runtime.Goexit instead of returning.
var errGoexit = errors.New("runtime.Goexit called (t.FailNow, t.Fatal or t.SkipNow in logic?): logic must return")

// errNilContext reports a nil context.Context given to a call that waits or
// hands the context on: the call fails instead of panicking (or, worse,
// panicking with a lock of the runtime held).
var errNilContext = errors.New("nil context")

// errZeroRuntime reports a Runtime that New did not make: its zero value
// has no registry to register into, and nothing to close.
var errZeroRuntime = errors.New("a Runtime must be made with New")

// errReentrant reports Runtime.Wait, Shutdown or Close called from logic
// or a hook, or JobContext.Wait from its own job's logic, which they would
// wait for: the call fails instead of waiting until the job is cancelled,
// or for ever.
var errReentrant = errors.New("logic and hooks cannot wait for what runs them")

// Errors of the graph and of posting. Each is wrapped with the offending
// name.
var (
	// ErrUnknownFlow reports a flow id that was never registered.
	ErrUnknownFlow = errors.New("unknown flow")
	// ErrUnknownRoutine reports a routine id that the flow does not hold.
	ErrUnknownRoutine = errors.New("unknown routine")
	// ErrUnknownSlot reports a slot that the routine does not declare.
	ErrUnknownSlot = errors.New("unknown slot")
	// ErrUnknownEvent reports an event that the routine does not declare.
	ErrUnknownEvent = errors.New("unknown event")
	// ErrUnknownWorker reports a worker id that no Exec returned, or a
	// worker of another flow.
	ErrUnknownWorker = errors.New("unknown worker")
	// ErrWorkerStopped reports a post to a worker whose Exec context ended.
	ErrWorkerStopped = errors.New("worker stopped")
	// ErrDuplicate reports a name used twice: a routine id in a flow, a
	// flow id in a runtime, a connection, or the id of a job still running.
	ErrDuplicate = errors.New("duplicate")
	// ErrPayloadType reports a payload of one type meeting a port of
	// another: an event connected to a slot of another type, a typed port
	// used on a routine that declared it with another type, a post of a
	// Message to a typed slot.
	ErrPayloadType = errors.New("payload type mismatch")
	// ErrDropped is matched by the error of a job of a DropFail flow that
	// left messages no policy would consume (see DropError).
	ErrDropped = errors.New("messages dropped")
	// ErrVetoed wraps the error a "before" hook returned to veto.
	ErrVetoed = errors.New("vetoed by hook")
)

// VetoError reports a "before" hook's veto. errors.Is(err, ErrVetoed) holds,
// and it unwraps to the hook's error.
type VetoError struct {
	// Hook is the vetoing hook's method name, e.g. "BeforeJob".
	Hook string
	// What was vetoed, e.g. "post to a.in".
	What string
	// Err is the hook's error.
	Err error
}

func (e *VetoError) Error() string {
	return e.Hook + " vetoed " + e.What + ": " + errText(e.Err)
}

// Is reports whether target is ErrVetoed.
func (e *VetoError) Is(target error) bool { return target == ErrVetoed }

// Unwrap returns the hook's error.
func (e *VetoError) Unwrap() error { return e.Err }

// errText is err's message for traces, logs and wrapping errors. Error is
// code of the user's (logic returns the error, a hook vetoes with it): a
// typed nil pointer returned as an error, or a method that panics, must not
// crash the pool goroutine handling it. fmt recovers the panic: the text
// is then "<nil>" or "%!v(PANIC=Error method: ...)".
func errText(err error) string { return fmt.Sprint(err) }

// isErr is errors.Is for an error of the user's, whose Unwrap or Is
// methods may panic (a typed nil pointer): a panic there means no match.
func isErr(err, target error) (match bool) {
	defer func() {
		if recover() != nil {
			match = false
		}
	}()
	return errors.Is(err, target)
}

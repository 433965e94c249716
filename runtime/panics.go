package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
)

// PanicError is the error of a function handed to the runtime (logic, a
// Custom policy's func, a hook) that panicked, or, in logic and
// BeforeRoutine, called runtime.Goexit (as t.FailNow and t.Fatal do). A job it concerns fails with
// it; Post returns it (wrapped) when the panic happened while it delivered
// the first message.
type PanicError struct {
	// RoutineID is the routine instance whose logic or policy panicked;
	// empty for hooks that concern no routine.
	RoutineID string
	// Func says which function panicked: "logic", "policy", the hook's
	// method name ("WorkerStart", "BeforeJob", ...), "StateCodec.Encode"
	// and "StateCodec.Decode" for a worker-state codec, the Backend's
	// method ("Backend.Submit", ...) or "Node.Run done".
	Func  string
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	what := e.Func
	if what == "" {
		what = "logic"
	}
	if e.RoutineID != "" {
		what = fmt.Sprintf("routine %q: %s", e.RoutineID, what)
	}
	return fmt.Sprintf("%s panicked: %v\n\n%s", what, e.Value, e.Stack)
}

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// protect runs fn, a user function, and returns its panic, if any, as a
// *PanicError.
func protect(fname, routineID string, fn func()) (perr *PanicError) {
	defer func() {
		if v := recover(); v != nil {
			perr = &PanicError{RoutineID: routineID, Func: fname, Value: v, Stack: debug.Stack()}
		}
	}()
	fn()
	return nil
}

// logPanic reports a panic to the runtime's logger, and to the job's log
// when it concerns a job. For hooks that run after the fact (WorkerStop,
// AfterJob, AfterRoutine) that is all that happens: nobody else can be
// handed the panic.
func (r *Runtime) logPanic(perr *PanicError, job *JobContext) {
	h := r.logHandler
	if job != nil {
		h = newJobHandler(h, job, perr.RoutineID)
	}
	slog.New(h).LogAttrs(context.Background(), slog.LevelError, "runtime: "+perr.Func+" panicked",
		slog.String("func", perr.Func),
		slog.String("panic", fmt.Sprint(perr.Value)),
		slog.String("stack", string(perr.Stack)))
}

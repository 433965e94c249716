package runtime

import "context"

// Hooks observe the runtime. The three "before" hooks can veto by returning
// an error; the runtime returns it in a *VetoError, which matches ErrVetoed:
//
//   - BeforeJob vetoes a job: Post returns the error and leaves no job.
//   - BeforeRoutine vetoes an activation: the logic does not run and the
//     error goes to the routine's ErrorHandler as if the logic had returned
//     it (so Retry asks the hook again, Skip skips, Stop fails the job).
//   - BeforeEnqueue vetoes one delivery: the message is not queued; Post
//     returns the error and leaves no job, Emit returns it to the logic
//     (other targets of the event still get the message).
//
// Hooks run on the runtime's goroutines, concurrently for different jobs;
// they must be safe for concurrent use and should be quick. No lock of the
// runtime is held while a hook runs, so a hook may read the job and the
// worker it is given; it must not wait for a job (JobContext.Wait,
// Runtime.Wait) nor call Close or Shutdown.
//
// A panic in a hook is recovered and never crashes the process: in
// WorkerStart, BeforeJob or BeforeEnqueue of a post, Post (or Exec)
// returns an error wrapping *PanicError and leaves no job (a worker whose
// WorkerStart panicked is dropped: the next post makes a new one); in
// BeforeRoutine, or in OnEmit or BeforeEnqueue of an emit, it fails the job
// like a panic in logic; in WorkerStop, AfterJob or AfterRoutine it is
// logged with its stack to the runtime's logger (WithLogger). Embed
// NopHooks to implement only some of them.
type Hooks interface {
	// WorkerStart runs once per worker, before its first job.
	WorkerStart(w *WorkerState)
	// WorkerStop runs once per worker, when it stopped (its Exec context
	// ended, or the runtime closed) and its last job is over.
	WorkerStop(w *WorkerState)
	// BeforeJob runs in Post, before the job's first message is queued.
	// ctx is Post's.
	BeforeJob(ctx context.Context, job *JobContext) error
	// AfterJob runs once when the job finished, whatever the outcome.
	AfterJob(job *JobContext)
	// BeforeRoutine runs before every attempt of an activation; ctx is the
	// activation's (see ExecFromContext).
	BeforeRoutine(ctx context.Context) error
	// AfterRoutine runs once per activation with its final error: nil, an
	// error the handler absorbed, or the one that failed the job.
	AfterRoutine(ctx context.Context, err error)
	// OnEmit runs for every Emit of a declared event, before delivery.
	OnEmit(ctx context.Context, event string, payload Message)
	// BeforeEnqueue runs for every delivery of a message to a slot. ctx
	// carries the job (and, for emits, the emitting activation).
	BeforeEnqueue(ctx context.Context, routineID, slot string, msg Message) error
}

// NopHooks implements Hooks with methods that do nothing. Embed it.
type NopHooks struct{}

func (NopHooks) WorkerStart(*WorkerState)                                     {}
func (NopHooks) WorkerStop(*WorkerState)                                      {}
func (NopHooks) BeforeJob(context.Context, *JobContext) error                 { return nil }
func (NopHooks) AfterJob(*JobContext)                                         {}
func (NopHooks) BeforeRoutine(context.Context) error                          { return nil }
func (NopHooks) AfterRoutine(context.Context, error)                          {}
func (NopHooks) OnEmit(context.Context, string, Message)                      {}
func (NopHooks) BeforeEnqueue(context.Context, string, string, Message) error { return nil }

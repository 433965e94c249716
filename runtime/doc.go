// Package runtime runs flows of routines for jobs, with state that is typed
// and isolated by construction.
//
// A [Routine] declares input slots and output events, typed ([In], [Out])
// or untyped ([Routine.Slot], [Routine.Event]), an activation [Policy], its
// [LogicFunc] and an [ErrorHandler]. A [Flow] places routine instances under
// ids ([Flow.Add]) and wires an event of one instance to a slot of another
// ([Flow.Connect]); fan-out, fan-in and cycles are allowed. A [Runtime]
// registers flows, starts workers ([Runtime.Exec]) and runs jobs
// ([Runtime.Post], [In.Post]). Logic receives what it consumed in an
// [Input] and sends new messages with [Out.Emit] or [Emit].
//
// # Typed ports
//
// A port is declared once, at package level, with its payload type, and
// that one value is used everywhere the port is named:
//
//	var (
//		orderIn  = runtime.NewIn[Order]("order")   // a slot of Orders
//		accepted = runtime.NewOut[Order]("accepted") // an event of Orders
//	)
//
//	intake := runtime.NewRoutine("intake").In(orderIn).Out(accepted).
//		Logic(func(ctx context.Context, in runtime.Input) error {
//			for _, o := range orderIn.From(in) { // []Order, no assertion
//				if err := accepted.Emit(ctx, o); err != nil { // takes an Order
//					return err
//				}
//			}
//			return nil
//		})
//
//	job, err := orderIn.Post(ctx, rt, "shop", "intake", Order{ID: 1})
//
// Why it is shaped so: Go has no generic methods, so a *Routine cannot
// declare Slot[T]; a typed value that carries both the name and the type
// lets the builder, the logic and the poster share one declaration, and a
// typo or a wrong type is a compile error instead of a nil map read at run
// time. The ports stay plain values (no registry, no reflection in logic):
// From and Emit are a slot lookup and a type-checked hand-over, and a
// single value read from a slot is not copied.
//
// Types are checked where a check can name the mistake: [Flow.Connect] (and
// Register) reject an event whose payload type differs from its target
// slot's, naming both ends and both types ([ErrPayloadType]); [In.Post] and
// [Runtime.Post] reject a payload of the wrong type for the slot, leaving no
// job; [Out.Emit] (and [Emit]) reject an event the routine declared with
// another type; [In.From] panics — failing the job with a [PanicError] that
// says which slot and which types — when the routine declared the slot with
// another type, a mistake in the program that a silent nil would hide.
//
// Untyped ports carry [Message] and are exactly ports of type Message:
// NewIn[Message]("x") is Slot("x") and NewOut[Message]("x") is Event("x").
// So an untyped event connects to an untyped slot or to an In[Message], a
// typed event of T only to a slot of T, and an Out[Message] to an untyped
// slot; nothing else mixes. [Input.Slot] of a typed slot (other than
// Message) returns nil: read it with From.
//
// Observers written for Messages see a typed value v as
// Message{[ValueKey]: v}, made only when they look: the hooks OnEmit and
// BeforeEnqueue, [SlotView.Messages] of a Custom policy ([In.Queued] reads
// the typed values), and runtimetest.Emission.Payload (whose Value holds v;
// runtimetest.EmittedOf returns the []T). Batches hand From exactly n
// values. Traces record counts and errors, never payloads, so they are the
// same for typed and untyped ports. [InputWith] builds an Input holding
// typed values, for calling logic directly in tests.
//
// # Routines, instances, workers and jobs
//
// A *Routine is a template. Every Flow.Add makes an independent instance of
// it, identified by its routine id: adding one *Routine twice, or to two
// flows, gives instances whose queues and per-routine state never meet.
//
// A worker ([WorkerState]) executes one flow and lives across jobs: it holds
// long-lived per-routine state and job counters. Runtime.Exec starts one;
// without [OnWorker] a post goes to the flow's default worker, started on
// first use, so worker state accumulates across the jobs posted to it.
// An Exec'd worker stops when its context ends; once its last job is over
// an in-memory runtime (no [Backend]) keeps nothing of it, not even its id
// (posts to it still fail with [ErrWorkerStopped]: the id itself says
// which flow's worker it was), so Exec per request or session does not
// grow the runtime: the state lives on only in the caller's *WorkerState.
// Under a [Backend] the node that Exec'd it does the same once a save
// ([Node.SaveWorker]) has seen every write of its jobs.
//
// A job ([JobContext]) is one unit of work on one worker: Post creates it by
// delivering a message to a slot of an instance, and everything that message
// causes, downstream and around loops, belongs to the same job.
//
// # Threads of control
//
// Logic runs on a pool of goroutines shared by all workers of a runtime;
// [WithWorkers] sets its size (default GOMAXPROCS). No goroutine is started
// per job or per worker. Timers serve [TimeInterval] policies and retry
// delays; hooks run on whichever goroutine triggered them. When logic emits,
// the activation it makes ready usually runs next on the same goroutine
// once the logic returns (an idle goroutine takes it sooner), so a chain of
// routines costs no wake-ups. A burst of posts from outside the runtime
// waits while the pool's queue is long; posts from logic and hooks never
// wait. [Runtime.Shutdown] and [Runtime.Close]
// wait for every job, then stop the pool: afterwards no goroutine of the
// runtime is left.
//
// Every activation, of entry and downstream routines alike, runs with a
// context carrying the full [ExecContext]: routine id, flow id, job and
// worker ([ExecFromContext], [RequireExec]). It also carries the values of
// the context the job was posted with, but not its cancellation: a job
// outlives the request that posted it. The context ends with the job (see
// Faults, cancellation and shutdown).
//
// # Queues and ordering guarantees
//
// Queues belong to the worker, one per slot of each (routine instance, job):
// a message is queued under the job that emitted or posted it, and an
// activation consumes messages of one job only, running under that job.
//
//   - Activations of one routine instance for one job are serialized: the
//     next starts after the previous one returned (retries included).
//   - Activations of different instances, or of one instance for different
//     jobs, run concurrently on the pool.
//   - Messages one activation emits to one slot are queued, and consumed, in
//     emit order. Messages from different activations to the same slot
//     interleave in no promised order.
//   - Nothing is promised about the order of different jobs.
//
// The policy decides when queued messages activate the instance and which
// it consumes: [Immediate] (the default: anything queued, all of it),
// [AllSlotsReady], [BatchSize] (exactly n per slot), [TimeInterval] (at most
// once per interval per worker and instance, and a timer fires it when the
// interval ends, not the next message) and [Custom]. Messages that arrive
// while an activation runs wait for the next one.
//
// # Job completion
//
// A job finishes by itself. It completes when no work is left for it: no
// activation scheduled, running or waiting on a throttle or retry timer.
// Messages that the policy will never consume (a partial batch, a slot
// AllSlotsReady still waits for) do not keep the job alive: they are
// dropped, and the drop is part of the job's outcome ([JobContext.Dropped],
// and the trace's "dropped" entries); a flow that wants such jobs to fail
// says [Flow.OnDrop]([DropFail]), and they fail with a [DropError]. A job
// fails when logic
// returns an error its handler does not absorb, or panics: the [PanicError]
// holds the value and the stack, and other jobs carry on. [JobContext.Cancel]
// ends a job from outside, [WithTimeout] bounds it. Once a job has finished
// no new activation of it starts, the contexts of its activations still
// running end, and their emits deliver nothing and return an error wrapping
// [ErrJobEnded]. [JobContext.Wait] and
// [JobContext.Done] report the end of one job (and [JobContext.Result] what
// its logic handed its poster with [JobContext.SetResult]),
// [Runtime.Wait] the end of every job posted before the call. Every
// finished job counts in [WorkerState.JobsProcessed] (and, when it failed or
// was cancelled, [WorkerState.JobsFailed]).
//
// # Isolation levels
//
// From the narrowest to the widest:
//
//   - Typed job state ([JobCell], used by generated //routigen:state
//     scope=job accessors): lives in the job, namespaced by the routine id
//     of the activation, so two instances of one routine never share it;
//     with [PerFlow] it is shared by the routines of the same job. Gone when
//     the job ends.
//   - Free-form job data ([JobContext.SetData]): one flat map per job, shared
//     by every routine of the job. Flat keys collide between instances;
//     prefer typed state.
//   - Worker state ([WorkerCell], [WorkerState.RoutineState]): lives as long
//     as the worker, across all its jobs, and is seen concurrently by
//     activations of different jobs. Namespace it by the routine id and
//     change it with atomic read-modify-write ([Cell.Update],
//     [WorkerState.ModifyRoutineState]). The runtime's own bookkeeping
//     ([WorkerState.RoutineStatus]) is kept apart and never overwrites it.
//
// Messages are shared, not copied, between the emitter and every receiver:
// treat them as read-only.
//
// # Errors
//
// An [ErrorHandler] set on the routine, else the flow's default
// ([Flow.OnError]), else Stop, decides what an error returned by logic
// does:
//
//   - [Stop] fails the job with the error.
//   - [Continue] records the error in the trace ("error") and the job's log,
//     and the job goes on with whatever the logic emitted.
//   - [Skip] is Continue, and the routine's status on the worker says
//     skipped.
//   - [Retry] runs the logic again with the same input, up to MaxRetries
//     times, waiting Delay×Backoff^(k-1) before retry k (saturating at the
//     largest Duration, never negative) without holding a pool goroutine;
//     then Stop. Emits of failed attempts are not undone. A job that ends
//     meanwhile does not wait out the delay.
//
// A panic is never absorbed: it fails the job.
//
// Error strings follow io/fs: a sentinel ([ErrUnknownFlow]) or a typed
// error ([PanicError], [VetoError], [DropError]) says what went wrong, and
// the failing call says once where ("runtime: post: flow "f": unknown
// flow"). Test them with errors.Is and errors.As.
//
// # Faults, cancellation and shutdown
//
// A panic in any function handed to the runtime never crashes the process
// and never leaves the runtime stuck; Wait, Close and later posts keep
// working. Where it goes depends on whom it concerns:
//
//   - In logic, in a [Custom] policy's func, in BeforeRoutine, or in
//     OnEmit or BeforeEnqueue of an emit: the job fails with a
//     [*PanicError] (value, stack, and which function: "logic", "policy",
//     the hook's name). Other jobs carry on. Logic or BeforeRoutine that
//     calls runtime.Goexit (t.FailNow, t.Fatal) fails its job the same way.
//   - While Post delivers the first message (WorkerStart, BeforeJob,
//     BeforeEnqueue, the policy of the entry routine): Post returns an error
//     wrapping the *PanicError and leaves no job. A worker whose WorkerStart
//     panicked takes no job: Exec fails, and the next post to the flow's
//     default worker makes a new one.
//   - In WorkerStop, AfterJob or AfterRoutine, which run after the fact: the
//     panic is recovered and logged, with its stack, to the runtime's logger
//     ([WithLogger]) and the job's log; the outcome stands.
//   - In a [StateCodec] or a [Backend]'s method: the call that ran it
//     (WorkerCell, Node.SaveWorker, Register, Post, Lookup, ...) returns
//     an error wrapping the *PanicError, or, where it returns none
//     (Shutdown's Backend.Close, a remote job's Cancel), the panic is
//     logged. No lock is left held and Shutdown still stops everything.
//
// A nil context.Context given to Post, Exec, Wait, Shutdown, Lookup or
// JobContext.Wait is an error saying so (Emit's is ErrNoRoutine), not a
// panic; the runtime carries on.
//
// Logic's context ends (Done closes, Err says context.Canceled, or
// context.DeadlineExceeded after a timeout) when its job ends for any
// reason: [JobContext.Cancel], a failure of another activation of the job,
// the job's [WithTimeout] deadline (which ctx.Deadline reports), or
// [Runtime.Shutdown]'s deadline. Contexts derived from it end with it,
// without a goroutine each. Logic that blocks should select on ctx.Done();
// logic that ignores it runs on, and holds Shutdown up, until it returns.
//
// A job that ended takes its retry waits and throttle waits with it, so
// [Runtime.Close] and Shutdown never wait out the timers of ended jobs.
// Shutdown(ctx) stops accepting posts and waits for every job; when ctx
// ends first it cancels the unfinished jobs, waits for their running logic
// to return, stops the pool, and returns an error matching ctx.Err(). Close
// is Shutdown(context.Background()).
//
// # Hooks and policies: what they may do
//
// Hooks and a Custom policy's func run on the runtime's goroutines,
// concurrently for different jobs: they must be safe for concurrent use
// and quick. A hook runs with no lock of the runtime held: it may read the
// job, the worker and the message it is given, trace, log, and set job data
// or state. A Custom policy's func runs under the job's scheduling lock:
// it may only look at its [SlotView]. Neither may wait for a job
// ([JobContext.Wait], [Runtime.Wait]), call [Runtime.Close] or
// [Runtime.Shutdown], or block on anything the job itself must do; a policy
// must not call into the runtime at all. (Runtime.Wait, Close and Shutdown
// called from logic or a hook on the runtime's goroutines, and
// JobContext.Wait on its own job from its logic, fail at once rather than
// wait for themselves.) Messages they see are shared: never
// modify them.
//
// # Locks
//
// The runtime's locks are taken in one order, written once on [Runtime]:
// the registry, the live jobs, one job's scheduling state, a throttle, a
// job's record; the pool's queue, a worker's user state and each state
// [Cell] are leaves. No lock is held while user code runs, except a job's
// scheduling lock around its Custom policy.
//
// # The surface of generated code
//
// [JobCell], [WorkerCell], [StateCodec] and [Cell]'s RLock, RUnlock, Lock,
// Unlock and Word are what generated //routigen:state accessors are made
// of. They are public so generated code in your packages can call them;
// your own code should use the accessors. A getter of a scalar field reads
// an atomic word the cell keeps in step with the value, without a lock;
// every other accessor takes the cell's lock.
//
// # Hooks and logs
//
// [Hooks] observe workers (start, stop), jobs (before, after), activations
// (before, after), emits and enqueues. Embed [NopHooks] to implement some.
// The three "before" hooks veto by returning an error ([VetoError], matching
// [ErrVetoed]): BeforeJob and BeforeEnqueue of a post make Post fail and
// leave no job; BeforeEnqueue of an emit keeps the message from that slot
// and Emit returns the error; BeforeRoutine is handled like an error of the
// logic.
//
// [Logger] gives logic a *slog.Logger whose records are kept with the job
// ([JobContext.Logs], bounded by [WithLogLimit]), tagged with the routine id,
// and forwarded to the runtime's logger ([WithLogger]) with job_id,
// routine_id, flow_id and worker_id attributes. The trace
// ([JobContext.TraceLog], bounded by [WithTraceLimit]) records what the
// runtime did about errors, retries and drops, and whatever logic traces.
//
// # Backends: several processes, durable jobs
//
// Everything above runs in memory, in one process: that is [New] without
// options. [WithBackend] makes a runtime one node of a cluster instead:
// [Runtime.Post] hands the job to the [Backend], which stores it and
// delivers it to a node serving its worker ([Node.Run]); the [JobContext]
// Post returns is a view that the job's recorded outcome completes, on any
// node, and [Runtime.Lookup] finds a job posted anywhere. A job runs whole
// on one node, as described above; worker state is persisted through the
// [StateCodec] generated code passes to [WorkerCell]; a job whose node
// dies runs again elsewhere with [ExecContext.Attempt] > 1. [PostOnly]
// makes a node that runs no jobs, [WithNodeID] names a node. A node
// forgets a stopped Exec'd worker once a save ([Node.SaveWorker]) has
// seen every write of its jobs; a worker the Backend made on another node
// than its Exec's (adopted there) is forgotten likewise once the Backend
// says it stopped ([Node.StopWorker]). Package
// github.com/routigen/routigen/jetstream (a module of its own) is the
// Backend over NATS JetStream; its documentation states the guarantees.
package runtime

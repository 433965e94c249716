package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"runtime/debug"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/routigen/routigen/runtime/internal/testemit"
)

// activation is one run of a routine instance's logic for one job. It is
// also the context.Context the logic sees, which saves a context.WithValue
// and an ExecContext allocation per activation.
type activation struct {
	n *node
	// slots is the input the logic gets (see input): the Input is
	// {&n.def, slots[:len(n.def.slots)]}, kept as one pointer so that a
	// job's block (see jobBlock) fits a smaller malloc size class.
	slots *slotInput
	ec    ExecContext
	// next is an activation this one's emits made ready, run next on the
	// same pool goroutine: no queueing, no wake-up, warm caches. Once the
	// activation has ended it holds ended: one atomic swap both ends the
	// activation and takes what it kept (see end and handOff).
	next atomic.Pointer[activation]
	// Inline space for the input of a one-slot routine with one message.
	slot1 [1]slotInput
	one1  [1]Message
	oneV  [1]any
}

// multiInput is the input space of an activation of a routine with two or
// three slots, made in one allocation instead of one for the slices of
// slots and one per slot that holds a single message.
type multiInput struct {
	slots [3]slotInput
	one   [3]Message
	oneV  [3]any
}

// The activation's context ends when its job does, for whatever reason
// (see jobend.go); it carries the job's deadline, if it was posted
// WithTimeout.
func (a *activation) Deadline() (time.Time, bool) {
	d := a.ec.Job.deadline()
	return d, !d.IsZero()
}
func (a *activation) Done() <-chan struct{} { return a.ec.Job.Done() }
func (a *activation) Err() error            { return a.ec.Job.ctxErr() }

// AfterFunc lets package context cancel a context derived from this one
// when the job ends, without a goroutine per derived context.
func (a *activation) AfterFunc(f func()) (stop func() bool) { return a.ec.Job.afterFunc(f) }

func (a *activation) Value(key any) any {
	if key == (execKey{}) {
		return &a.ec
	}
	if x := a.ec.Job.x.Load(); x != nil && x.base != nil {
		return x.base.Value(key)
	}
	return nil
}
func (a *activation) String() string { return "runtime.activation(" + a.n.id + ")" }

// jr is the scheduling state of a's job.
func (a *activation) jr() *jobRun { return a.ec.Job.run }

// retries counts a's failed attempts that its routine's handler retried.
// It lives with a's instance for its job, not in a, so that a job's block
// stays in its size class: activations of one instance for one job never
// overlap (see tryFireLocked), and only the goroutine running a touches it.
func (a *activation) retries() *int32 { return &a.jr().insts[a.n.idx].retries }

// input is what a's logic consumed.
func (a *activation) input() Input {
	return Input{def: &a.n.def, slots: unsafe.Slice(a.slots, len(a.n.def.slots))}
}

// ended is what next holds once its activation has ended; it is never run.
var ended = new(activation)

// done reports whether a has ended: its Emit is then an error.
func (a *activation) done() bool { return a.next.Load() == ended }

func (a *activation) call() (err error, panicked bool) {
	what := "BeforeRoutine"
	returned := false
	defer func() {
		if v := recover(); v != nil {
			perr, ok := v.(*PanicError) // a hook's, named already (see emit)
			if !ok {
				perr = &PanicError{RoutineID: a.n.id, Func: what, Value: v, Stack: debug.Stack()}
			}
			err, panicked = perr, true
		} else if !returned {
			a.goexited(what)
		}
	}()
	if a.jr().rt.hasHooks {
		if err := a.jr().rt.hooks.BeforeRoutine(a); err != nil {
			returned = true
			return &VetoError{Hook: "BeforeRoutine", What: "routine " + a.n.id, Err: err}, false
		}
	}
	what = "logic"
	err = a.n.def.logic(a, a.input())
	returned = true
	return err, false
}

// goexited ends a, whose logic (or BeforeRoutine hook) called
// runtime.Goexit, as t.FailNow, t.Fatal and t.SkipNow do: nothing can stop
// its goroutine from ending, and nobody else would end a, so its job
// would never finish, nor Wait or Shutdown return. It runs in call's
// deferred func, on the way out: it fails the job as a panic does, with
// a *PanicError whose Value is errGoexit, ends a and hands what a made
// ready to the pool, which replaces the goroutine (see pool.loop).
func (a *activation) goexited(what string) {
	perr := &PanicError{RoutineID: a.n.id, Func: what, Value: errGoexit, Stack: debug.Stack()}
	p, r := a.jr().pool, a.jr().rt
	r.handle(a, perr, true)
	if next := r.end(a); next != nil {
		p.submit(next)
	}
}

// run executes one attempt of a on a pool goroutine and, unless it is
// retried, ends the activation. It returns an activation for the same
// goroutine to run next, if there is one. The logic of a job that ended
// does not run: the activation just ends.
func (r *Runtime) run(a *activation) *activation {
	if !a.jr().dead() {
		switch r.attempt(a) {
		case retryNow:
			return a
		case retryLater:
			return nil
		}
	}
	return r.end(a)
}

type attemptOutcome uint8

const (
	attemptDone attemptOutcome = iota
	retryNow
	retryLater
)

// attempt runs a's logic once and applies the routine's error handler.
func (r *Runtime) attempt(a *activation) attemptOutcome {
	err, panicked := a.call()
	return r.handle(a, err, panicked)
}

// handle applies the routine's error handler to what an attempt of a
// returned, or its panic.
func (r *Runtime) handle(a *activation, err error, panicked bool) attemptOutcome {
	jr, n := a.jr(), a.n
	status := RoutineIdle
	switch {
	case err == nil:
	case !panicked && jr.dead() && isErr(err, ErrJobEnded):
		// The logic handed back what Emit told it: its job has ended.
		// Nothing is left to fail, retry or report.
	case panicked:
		status = RoutineFailed
		jr.job.Trace(n.id, "panic", Message{"error": fmt.Sprint(err.(*PanicError).Value)})
		r.logErr(a, "routine panicked", err)
		jr.job.Fail(err)
	default:
		h := &n.handler
		switch h.Strategy {
		case Retry:
			if int(*a.retries()) < h.MaxRetries {
				return r.retry(a, err)
			}
			err = fmt.Errorf("routine %q: giving up after %d retries: %w", n.id, *a.retries(), err)
			status = RoutineFailed
			jr.job.Trace(n.id, "failed", Message{"error": errText(err)})
			r.logErr(a, "routine failed", err)
			jr.job.Fail(err)
		case Continue:
			jr.job.Trace(n.id, "error", Message{"error": errText(err), "strategy": "continue"})
			r.logErr(a, "routine error, continuing", err)
		case Skip:
			status = RoutineSkipped
			jr.job.Trace(n.id, "skipped", Message{"error": errText(err)})
			r.logErr(a, "routine error, skipped", err)
		default:
			err = fmt.Errorf("routine %q: %w", n.id, err)
			status = RoutineFailed
			jr.job.Trace(n.id, "failed", Message{"error": errText(err)})
			r.logErr(a, "routine failed", err)
			jr.job.Fail(err)
		}
	}
	jr.w.state.activationEnded(n.idx, status)
	if r.hasHooks {
		if perr := protect("AfterRoutine", n.id, func() { r.hooks.AfterRoutine(a, err) }); perr != nil {
			r.logPanic(perr, jr.job)
		}
	}
	return attemptDone
}

// retry schedules the next attempt of a, which failed with err.
func (r *Runtime) retry(a *activation, err error) attemptOutcome {
	jr, n := a.jr(), a.n
	*a.retries()++
	attempt := int(*a.retries())
	d := n.handler.RetryDelay(attempt)
	jr.job.Trace(n.id, "retry", Message{"error": errText(err), "attempt": attempt, "delay": d})
	r.logErr(a, "routine failed, retrying", err)
	// What the failed attempt emitted must not wait for the retry.
	if ready := a.next.Swap(nil); ready != nil {
		jr.pool.submit(ready)
	}
	if d <= 0 {
		return retryNow
	}
	jr.waitRetry(a, d)
	return retryLater
}

// end ends the activation a: its instance may fire again for the job, and
// the job may be over.
func (r *Runtime) end(a *activation) *activation {
	jr, n := a.jr(), a.n
	// Ends a and takes what it kept, in one step: an Emit that keeps an
	// activation from now on finds next taken and submits it instead.
	local := a.next.Swap(ended)

	st := &jr.insts[n.idx]
	jr.mu.Lock()
	st.running = false
	jr.active--
	again := jr.tryFireLocked(n, st)
	e := jr.endLocked()
	jr.mu.Unlock()
	if local == nil {
		local, again = again, nil
	}
	jr.finishStep(e, again)
	return local
}

func (r *Runtime) logErr(a *activation, msg string, err error) {
	h := newJobHandler(r.logHandler, a.ec.Job, a.n.id)
	level := slog.LevelWarn
	if a.jr().dead() {
		level = slog.LevelError
	}
	slog.New(h).Log(context.Background(), level, msg, slog.String("error", errText(err)), slog.Int("attempt", int(*a.retries())))
}

// Emit delivers payload to every slot connected to event of the routine
// instance running in ctx, under the same job. Outside logic it returns an
// error wrapping ErrNoRoutine; for an event the routine does not declare,
// one wrapping ErrUnknownEvent. An event with no connection goes nowhere.
// A BeforeEnqueue veto keeps the message from that one slot; the error is
// returned. payload is shared by every receiver: do not modify it after
// Emit, and receivers must not modify it either. An emit for a job that
// has already ended (it failed or was cancelled while the logic ran on)
// delivers nothing and returns an error wrapping ErrJobEnded.
func Emit(ctx context.Context, event string, payload Message) error {
	return emit(ctx, event, payload, nil)
}

// emit is Emit of payload, a Message (typ nil) or a boxed value of type typ
// (see Out.Emit).
func emit(ctx context.Context, event string, payload any, typ reflect.Type) error {
	ec := execOf(ctx)
	if ec == nil || ec.act == nil {
		if ec == nil || ec.RoutineID == "" { // a nil ctx too
			return fmt.Errorf("runtime: emit %q: %w", event, ErrNoRoutine)
		}
		// A runtimetest context: its recorder stands for the flow.
		if rec := testemit.From(ctx); rec != nil {
			var value any
			if b, ok := payload.(boxed); ok {
				value = b.value()
			}
			rec.Record(ec.RoutineID, event, messageView(payload), value)
			return nil
		}
		return fmt.Errorf("runtime: emit %q: %w", event, ErrNoRoutine)
	}
	a := ec.act
	if a.done() {
		return fmt.Errorf("runtime: emit %q after routine %q returned: %w", event, a.n.id, ErrNoRoutine)
	}
	out := a.n.eventOut(event)
	if out == nil {
		return fmt.Errorf("runtime: emit: routine %q has no event %q: %w", a.n.id, event, ErrUnknownEvent)
	}
	if out.typ != typ {
		has, given := typeNames(out.typ, typ)
		return fmt.Errorf("runtime: emit: routine %q: event %q carries %s, not %s: %w", a.n.id, event, has, given, ErrPayloadType)
	}
	r := a.jr().rt
	if !r.hasHooks {
		for _, t := range out.targets {
			ready, ok := a.jr().enqueue(a.ec.Job, t.node, t.slot, payload)
			if !ok {
				return a.ended(event)
			}
			a.handOff(ready)
		}
		return nil
	}
	view := messageView(payload)
	// A hook's panic goes on up the logic's stack, named after the hook:
	// call recovers it and fails the job with it.
	if perr := protect("OnEmit", a.n.id, func() { r.hooks.OnEmit(a, event, view) }); perr != nil {
		panic(perr)
	}
	var errs []error
	for _, t := range out.targets {
		var err error
		if perr := protect("BeforeEnqueue", a.n.id, func() { err = r.hooks.BeforeEnqueue(a, t.node.id, t.node.def.slotNames[t.slot], view) }); perr != nil {
			panic(perr)
		}
		if err != nil {
			errs = append(errs, &VetoError{Hook: "BeforeEnqueue", What: fmt.Sprintf("emit %q to %s.%s", event, t.node.id, t.node.def.slotNames[t.slot]), Err: err})
			continue
		}
		ready, ok := a.jr().enqueue(a.ec.Job, t.node, t.slot, payload)
		if !ok {
			return a.ended(event)
		}
		a.handOff(ready)
	}
	if len(errs) > 0 {
		return fmt.Errorf("runtime: emit %q: %w", event, errors.Join(errs...))
	}
	return nil
}

// ended is emit's error when a's job has ended: its message went nowhere.
// Other targets of the event lose theirs too, as the job takes nothing
// more once it has ended.
func (a *activation) ended(event string) error {
	return fmt.Errorf("runtime: emit %q from routine %q: %w", event, a.n.id, ErrJobEnded)
}

// handOff keeps ready for the goroutine running a to run next, or submits
// it to the pool when a goroutine is idle or that slot is taken. A
// goroutine that goes idle steals kept activations, so logic that runs long
// after it emitted does not hold its downstream back. Emit may run on a
// goroutine of the logic's own while a ends: end swaps next for ended, so a
// CAS from nil after that fails and ready is submitted; ownership always
// passes by CAS or Swap on next, so exactly one party runs ready.
func (a *activation) handOff(ready *activation) {
	if ready == nil {
		return
	}
	// With a goroutine idle, running ready there now beats waiting for a
	// to return.
	p := a.jr().pool
	if p.idleHint.Load() == 0 && a.next.CompareAndSwap(nil, ready) {
		// Taken back if a goroutine went idle meanwhile (it may have
		// looked for work to steal before the CAS). If a returned
		// meanwhile, end took ready.
		if p.idleHint.Load() == 0 || !a.next.CompareAndSwap(ready, nil) {
			return
		}
	}
	p.submit(ready)
}

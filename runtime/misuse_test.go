package runtime_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

// Misuse of the API (a nil context, zero values) is an error that says
// what is wrong, never a panic, and leaves the runtime working: posts,
// Wait and Close still do their job afterwards.

// within runs fn on a goroutine and fails the test if it panics or has not
// returned after d: a call that hangs on a lock left held fails here
// instead of hanging the run.
func within(t *testing.T, what string, d time.Duration, fn func()) {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		fn()
	}()
	select {
	case v := <-done:
		if v != nil {
			t.Fatalf("%s panicked: %v", what, v)
		}
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}

func wantNilContext(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), "nil context") {
		t.Errorf("%s with a nil context: error %v, want one saying nil context", what, err)
	}
}

// Every call that takes a context and waits or hands it on says that a nil
// one is wrong, and the runtime carries on: Exec used to panic holding the
// registry's lock, so nothing (Close included) ever returned again.
func TestNilContext(t *testing.T) {
	r := runtime.New()
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	mustRegister(t, r, f)
	var nilCtx context.Context // what a forgotten ctx field holds
	within(t, "Exec", 5*time.Second, func() {
		w, err := r.Exec(nilCtx, "f")
		wantNilContext(t, "Exec", err)
		if w != nil {
			t.Error("Exec with a nil context started a worker")
		}
	})
	within(t, "Post", 5*time.Second, func() {
		job, err := r.Post(nilCtx, "f", "a", "in", runtime.Message{})
		wantNilContext(t, "Post", err)
		if job != nil {
			t.Error("Post with a nil context made a job")
		}
	})
	within(t, "In.Post", 5*time.Second, func() {
		_, err := runtime.NewIn[runtime.Message]("in").Post(nilCtx, r, "f", "a", runtime.Message{})
		wantNilContext(t, "In.Post", err)
	})
	within(t, "Wait", 5*time.Second, func() { wantNilContext(t, "Wait", r.Wait(nilCtx)) })
	within(t, "Lookup", 5*time.Second, func() {
		_, err := r.Lookup(nilCtx, "x")
		wantNilContext(t, "Lookup", err)
	})
	within(t, "Emit", 5*time.Second, func() {
		if err := runtime.Emit(nilCtx, "out", nil); !errors.Is(err, runtime.ErrNoRoutine) {
			t.Errorf("Emit with a nil context: %v, want ErrNoRoutine", err)
		}
	})
	within(t, "Shutdown", 5*time.Second, func() { wantNilContext(t, "Shutdown", r.Shutdown(nilCtx)) })
	within(t, "runtimetest.Emitted", 5*time.Second, func() {
		if got := runtimetest.Emitted(nilCtx); got != nil {
			t.Errorf("Emitted(nil) = %v, want nil", got)
		}
	})

	// A running job's Wait with a nil context is an error; a finished
	// job's outcome is still reported.
	release := make(chan struct{})
	g := runtime.NewFlow("g")
	mustAdd(t, g, "a", runtime.NewRoutine("a").Slot("in").Logic(func(context.Context, runtime.Input) error {
		<-release
		return nil
	}))
	mustRegister(t, r, g)
	job := mustPost(t, r, "g", "a", "in", runtime.Message{})
	within(t, "JobContext.Wait", 5*time.Second, func() { wantNilContext(t, "JobContext.Wait", job.Wait(nilCtx)) })
	close(release)
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	within(t, "JobContext.Wait of a finished job", 5*time.Second, func() {
		if err := job.Wait(nilCtx); err != nil {
			t.Errorf("Wait(nil) of a completed job: %v, want nil", err)
		}
	})

	// Still usable: a post runs, and Close returns.
	if err := waitJob(t, mustPost(t, r, "f", "a", "in", runtime.Message{})); err != nil {
		t.Fatal(err)
	}
	closeWithin(t, r, 5*time.Second)
}

// A Runtime not made by New says so instead of panicking in Register
// (which held the registry's lock, so every later call hung) or Close.
func TestZeroRuntime(t *testing.T) {
	var r runtime.Runtime
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	within(t, "zero Runtime", 5*time.Second, func() {
		if err := r.Register(f); err == nil || !strings.Contains(err.Error(), "New") {
			t.Errorf("Register on a zero Runtime: %v, want an error saying to use New", err)
		}
		if _, err := r.Post(context.Background(), "f", "a", "in", nil); !errors.Is(err, runtime.ErrUnknownFlow) {
			t.Errorf("Post on a zero Runtime: %v, want ErrUnknownFlow", err)
		}
		if _, err := r.Exec(context.Background(), "f"); !errors.Is(err, runtime.ErrUnknownFlow) {
			t.Errorf("Exec on a zero Runtime: %v, want ErrUnknownFlow", err)
		}
		if err := r.Wait(context.Background()); err != nil {
			t.Errorf("Wait on a zero Runtime: %v", err)
		}
		if err := r.Close(); err == nil || !strings.Contains(err.Error(), "New") {
			t.Errorf("Close of a zero Runtime: %v, want an error saying to use New", err)
		}
	})
}

// WithJob of a nil job carries no job: lookups fail fast instead of a
// panic in WithJob.
func TestWithNilJob(t *testing.T) {
	within(t, "WithJob(ctx, nil)", 5*time.Second, func() {
		ctx := runtime.WithJob(context.Background(), nil)
		if _, err := runtime.RequireJob(ctx); !errors.Is(err, runtime.ErrNoJob) {
			t.Errorf("RequireJob: %v, want ErrNoJob", err)
		}
		if _, err := runtime.JobCell[int](ctx, "n", runtime.PerFlow); !errors.Is(err, runtime.ErrNoJob) {
			t.Errorf("JobCell: %v, want ErrNoJob", err)
		}
	})
}

// Zero typed ports (declared without NewIn / NewOut) are errors where they
// are used, not a panic of a failed type assertion; a zero WorkerState
// holds user state like one of NewWorkerState.
func TestZeroPortsAndWorkerState(t *testing.T) {
	r := newRuntime(t)
	var zeroOut runtime.Out[int]
	var emitErr error
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").In(runtime.NewIn[int]("in")).Logic(func(ctx context.Context, _ runtime.Input) error {
		emitErr = zeroOut.Emit(ctx, 1)
		return nil
	}))
	mustRegister(t, r, f)
	within(t, "zero ports", 5*time.Second, func() {
		var zeroIn runtime.In[int]
		if job, err := zeroIn.Post(context.Background(), r, "f", "a", 1); !errors.Is(err, runtime.ErrUnknownSlot) || job != nil {
			t.Errorf("Post through a zero In[int]: %v, %v; want ErrUnknownSlot and no job", job, err)
		}
		job, err := runtime.NewIn[int]("in").Post(context.Background(), r, "f", "a", 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := waitJob(t, job); err != nil {
			t.Fatal(err)
		}
		if !errors.Is(emitErr, runtime.ErrUnknownEvent) {
			t.Errorf("Emit through a zero Out[int]: %v, want ErrUnknownEvent", emitErr)
		}
	})
	within(t, "zero WorkerState", 5*time.Second, func() {
		var w runtime.WorkerState
		w.UpdateRoutineState("a", runtime.Message{"n": 1})
		w.ModifyRoutineState("b", func(m runtime.Message) { m["n"] = 2 })
		if a, b := w.RoutineState("a")["n"], w.RoutineState("b")["n"]; a != 1 || b != 2 {
			t.Errorf("zero WorkerState holds a=%v b=%v, want 1 and 2", a, b)
		}
	})
}

// Logic (or a hook of its activation) that calls Runtime.Wait or Shutdown
// with its context would wait for its own job: the call fails at once,
// saying so, Shutdown closes nothing, and the job goes on. The same calls
// from a goroutine the logic left running once it returned are fine.
func TestWaitAndShutdownFromLogic(t *testing.T) {
	r := newRuntime(t)
	var waitErr, shutErr, derivedErr error
	late := make(chan error, 1)
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, _ runtime.Input) error {
		// Each call runs on a goroutine of the logic's, bounded: without
		// the check they hung (Shutdown for ever, Wait until the job's end).
		bounded := func(call func() error) error {
			ch := make(chan error, 1)
			go func() { ch <- call() }()
			select {
			case err := <-ch:
				return err
			case <-time.After(2 * time.Second):
				return errors.New("hung")
			}
		}
		waitErr = bounded(func() error { return r.Wait(ctx) })
		shutErr = bounded(func() error { return r.Shutdown(ctx) })
		dctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		derivedErr = bounded(func() error { return r.Wait(dctx) })
		go func() {
			wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			<-ctx.Done() // the job is over: waiting for it is fine now
			late <- r.Wait(wctx)
		}()
		return nil
	}))
	mustRegister(t, r, f)
	if err := waitJob(t, mustPost(t, r, "f", "a", "in", runtime.Message{})); err != nil {
		t.Fatal(err)
	}
	for what, err := range map[string]error{"Wait": waitErr, "Shutdown": shutErr, "Wait with a derived ctx": derivedErr} {
		if err == nil || !strings.Contains(err.Error(), `routine "a"`) || !strings.Contains(err.Error(), "it would wait for") {
			t.Errorf("%s from logic: %v, want an error naming the routine and its own job", what, err)
		}
	}
	if err := <-late; err != nil {
		t.Errorf("Wait from a goroutine logic left, after the job ended: %v", err)
	}
	// Shutdown from logic closed nothing.
	if err := waitJob(t, mustPost(t, r, "f", "a", "in", runtime.Message{})); err != nil {
		t.Fatal(err)
	}
	<-late
}

// A job cannot end while its logic runs, so JobContext.Wait on its own
// job, from its logic, would wait until something cancels it (or for
// ever): it fails at once. Waiting for another job is fine, and so is
// waiting for its own job once the logic has returned.
func TestJobWaitFromItsOwnLogic(t *testing.T) {
	r := newRuntime(t)
	other := make(chan *runtime.JobContext, 1) // b's job, posted after a's
	var ownErr, viewErr, otherErr error
	late := make(chan error, 1)
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, _ runtime.Input) error {
		job, err := runtime.RequireJob(ctx)
		if err != nil {
			return err
		}
		bounded := func(call func() error) error {
			ch := make(chan error, 1)
			go func() { ch <- call() }()
			select {
			case err := <-ch:
				return err
			case <-time.After(2 * time.Second):
				return errors.New("hung")
			}
		}
		ownErr = bounded(func() error { return job.Wait(ctx) })
		if view, err := r.Lookup(ctx, job.ID()); err == nil {
			viewErr = bounded(func() error { return view.Wait(ctx) })
		} else {
			viewErr = err
		}
		if o := <-other; o != nil {
			otherErr = bounded(func() error { return o.Wait(ctx) })
		}
		go func() {
			<-ctx.Done() // the logic is over
			wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			late <- job.Wait(wctx)
		}()
		return nil
	}))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(nop))
	mustRegister(t, r, f)
	job := mustPost(t, r, "f", "a", "in", runtime.Message{})
	other <- mustPost(t, r, "f", "b", "in", runtime.Message{})
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	for what, err := range map[string]error{"its own job": ownErr, "its own job looked up": viewErr} {
		if err == nil || !strings.Contains(err.Error(), `routine "a"`) || !strings.Contains(err.Error(), "it would wait for") {
			t.Errorf("JobContext.Wait from logic on %s: %v, want an error naming the routine", what, err)
		}
	}
	if otherErr != nil {
		t.Errorf("waiting for another job from logic: %v", otherErr)
	}
	if err := <-late; err != nil {
		t.Errorf("waiting for its own job after the logic returned: %v", err)
	}
}

// closeInAfterJob calls Wait and Close from AfterJob, on a pool goroutine,
// with no context of the job's.
type closeInAfterJob struct {
	runtime.NopHooks
	r                 *runtime.Runtime
	waitErr, closeErr chan error
}

func (h *closeInAfterJob) AfterJob(*runtime.JobContext) {
	h.waitErr <- h.r.Wait(context.Background())
	h.closeErr <- h.r.Close()
}

// recv receives from ch, or fails the test after 10s: a call that hangs.
func recv(t *testing.T, what string, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s hung", what)
		return nil
	}
}

// Close (which has no context) and Wait or Shutdown with a context of
// their own, called from logic or a hook, run on a goroutine of the pool
// that they would wait for (Close stops the pool, which waits for every
// goroutine of it): they fail at once, and close nothing.
func TestCloseFromLogicAndHooks(t *testing.T) {
	h := &closeInAfterJob{waitErr: make(chan error, 1), closeErr: make(chan error, 1)}
	r := runtime.New(runtime.WithHooks(h))
	h.r = r
	var logicErr, shutErr error
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, _ runtime.Input) error {
		// A goroutine of the logic's own is not the pool's: only the
		// call made on the pool goroutine itself can be told apart.
		logicErr = r.Close()
		shutErr = r.Shutdown(context.Background())
		return nil
	}))
	mustRegister(t, r, f)
	if err := waitJob(t, mustPost(t, r, "f", "a", "in", runtime.Message{})); err != nil {
		t.Fatal(err)
	}
	for what, err := range map[string]error{"Close from logic": logicErr, "Shutdown from logic": shutErr,
		"Wait from AfterJob": recv(t, "Wait from AfterJob", h.waitErr), "Close from AfterJob": recv(t, "Close from AfterJob", h.closeErr)} {
		if err == nil || !strings.Contains(err.Error(), "pool") {
			t.Errorf("%s: %v, want an error saying it runs on the runtime's pool", what, err)
		}
	}
	// Nothing was closed.
	if err := waitJob(t, mustPost(t, r, "f", "a", "in", runtime.Message{})); err != nil {
		t.Fatal(err)
	}
	recv(t, "Wait from AfterJob", h.waitErr)
	recv(t, "Close from AfterJob", h.closeErr)
	closeWithin(t, r, 5*time.Second)
}

package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/routigen/routigen/runtime"
)

// Faults in functions users hand the runtime (SPEC §1 "Faults, cancellation
// and shutdown"): a panic never crashes the process nor leaves the runtime
// stuck. Each test ends with the runtime still usable and closed within a
// bound, so that a stuck lock fails the test instead of hanging the run.

// closeWithin closes r, failing the test if that takes longer than d.
func closeWithin(t *testing.T, r *runtime.Runtime, d time.Duration) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- r.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(d):
		t.Fatalf("Close did not return within %v", d)
	}
}

// postErr posts with a bound, so a post stuck on a held lock fails the test.
func postErr(t *testing.T, r *runtime.Runtime, flow, routine string, data runtime.Message, opts ...runtime.PostOption) (*runtime.JobContext, error) {
	t.Helper()
	type res struct {
		job *runtime.JobContext
		err error
	}
	ch := make(chan res, 1)
	go func() {
		job, err := r.Post(context.Background(), flow, routine, "in", data, opts...)
		ch <- res{job, err}
	}()
	select {
	case v := <-ch:
		return v.job, v.err
	case <-time.After(5 * time.Second):
		t.Fatal("Post did not return")
		return nil, nil
	}
}

func wantPanic(t *testing.T, err error, fn, routine string) {
	t.Helper()
	var pe *runtime.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v does not wrap *PanicError", err)
	}
	if pe.Func != fn || pe.RoutineID != routine || pe.Value == nil || len(pe.Stack) == 0 {
		t.Errorf("PanicError{Func %q, RoutineID %q, Value %v}, want Func %q RoutineID %q and a stack", pe.Func, pe.RoutineID, pe.Value, fn, routine)
	}
}

// A Custom policy that panics on the first message makes Post fail and
// leaves no job; the runtime goes on.
func TestCustomPolicyPanicAtPost(t *testing.T) {
	f := runtime.NewFlow("cp")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Policy(runtime.Custom(func(v runtime.SlotView) bool {
		if v.Messages("in")[0]["boom"] == true {
			panic("policy bug")
		}
		return true
	})).Logic(nop))
	r := runtime.New()
	mustRegister(t, r, f)
	job, err := postErr(t, r, "cp", "a", runtime.Message{"boom": true}, runtime.WithJobID("ghost"))
	if job != nil {
		t.Errorf("Post returned a job: %v", job.Status())
	}
	wantPanic(t, err, "policy", "a")
	if _, ok := r.Job("ghost"); ok {
		t.Error("the job was left behind")
	}
	for range 3 { // the lock is free: later posts run
		job, err := postErr(t, r, "cp", "a", runtime.Message{})
		if err != nil {
			t.Fatal(err)
		}
		if err := waitJob(t, job); err != nil {
			t.Fatal(err)
		}
	}
	waitAll(t, r)
	closeWithin(t, r, 5*time.Second)
}

// A Custom policy that panics later, on a pool goroutine, fails that job
// only: delivering an emit (the policy is asked in Emit), or re-checking
// the queue once an activation ended (the boom message came while b ran).
func TestCustomPolicyPanicOnPool(t *testing.T) {
	for _, later := range []bool{false, true} {
		f := runtime.NewFlow("cp")
		mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
			for _, m := range in.Slot("in")[0]["emit"].([]runtime.Message) {
				if err := runtime.Emit(ctx, "out", m); err != nil {
					return err
				}
			}
			return nil
		}))
		mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Policy(runtime.Custom(func(v runtime.SlotView) bool {
			if v.Messages("in")[0]["boom"] == true {
				panic("policy bug")
			}
			return true
		})).Logic(nop))
		mustConnect(t, f, "a", "out", "b", "in")
		r := runtime.New(runtime.WithWorkers(2))
		mustRegister(t, r, f)
		var jobs []*runtime.JobContext
		for i := range 8 {
			emit := []runtime.Message{{"boom": false}}
			if i == 3 {
				emit = []runtime.Message{{"boom": true}}
				if later {
					emit = []runtime.Message{{"boom": false}, {"boom": true}}
				}
			}
			job, err := postErr(t, r, "cp", "a", runtime.Message{"emit": emit})
			if err != nil {
				t.Fatal(err)
			}
			jobs = append(jobs, job)
		}
		for i, job := range jobs {
			err := waitJob(t, job)
			switch {
			case i == 3:
				wantPanic(t, err, "policy", "b")
				if job.Status() != runtime.JobFailed {
					t.Errorf("status %v", job.Status())
				}
			case err != nil:
				t.Errorf("job %d: %v", i, err)
			}
		}
		waitAll(t, r)
		closeWithin(t, r, 5*time.Second)
	}
}

// panicHooks panics in the hooks named in which, once each.
type panicHooks struct {
	runtime.NopHooks
	which map[string]*atomic.Bool
}

func newPanicHooks(names ...string) *panicHooks {
	h := &panicHooks{which: map[string]*atomic.Bool{}}
	for _, n := range names {
		h.which[n] = new(atomic.Bool)
	}
	return h
}

func (h *panicHooks) maybe(name string) {
	if b, ok := h.which[name]; ok && b.CompareAndSwap(false, true) {
		panic(name + " bug")
	}
}

func (h *panicHooks) WorkerStart(*runtime.WorkerState) { h.maybe("WorkerStart") }
func (h *panicHooks) WorkerStop(*runtime.WorkerState)  { h.maybe("WorkerStop") }
func (h *panicHooks) BeforeJob(context.Context, *runtime.JobContext) error {
	h.maybe("BeforeJob")
	return nil
}
func (h *panicHooks) AfterJob(*runtime.JobContext) { h.maybe("AfterJob") }
func (h *panicHooks) AfterRoutine(context.Context, error) {
	h.maybe("AfterRoutine")
}
func (h *panicHooks) BeforeEnqueue(context.Context, string, string, runtime.Message) error {
	h.maybe("BeforeEnqueue")
	return nil
}
func (h *panicHooks) BeforeRoutine(context.Context) error {
	h.maybe("BeforeRoutine")
	return nil
}
func (h *panicHooks) OnEmit(context.Context, string, runtime.Message) { h.maybe("OnEmit") }

// A panic in a hook that runs while Post delivers makes Post fail with
// an error wrapping *PanicError and leaves no job; the next post runs.
func TestHookPanicAtPost(t *testing.T) {
	for _, hook := range []string{"WorkerStart", "BeforeJob", "BeforeEnqueue"} {
		t.Run(hook, func(t *testing.T) {
			f := runtime.NewFlow("hp")
			mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
			r := runtime.New(runtime.WithHooks(newPanicHooks(hook)))
			mustRegister(t, r, f)
			job, err := postErr(t, r, "hp", "a", nil, runtime.WithJobID("ghost"))
			if job != nil {
				t.Errorf("Post returned a job")
			}
			routine := ""
			if hook == "BeforeEnqueue" {
				routine = "a"
			}
			wantPanic(t, err, hook, routine)
			if !strings.Contains(err.Error(), hook+" panicked: "+hook+" bug") {
				t.Errorf("error %q does not say which hook panicked", err)
			}
			if _, ok := r.Job("ghost"); ok {
				t.Error("the job was left behind")
			}
			waitAll(t, r)
			job, err = postErr(t, r, "hp", "a", nil, runtime.WithJobID("ghost"))
			if err != nil {
				t.Fatalf("post after the panic: %v", err)
			}
			if err := waitJob(t, job); err != nil {
				t.Fatal(err)
			}
			if ws := r.Workers("hp"); len(ws) != 1 || ws[0].JobsProcessed() != 1 {
				t.Errorf("workers after the panic: %d", len(ws))
			}
			closeWithin(t, r, 5*time.Second)
		})
	}
}

// Exec of a worker whose WorkerStart panics fails and leaves no worker.
func TestHookPanicAtExec(t *testing.T) {
	f := runtime.NewFlow("hp")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	r := runtime.New(runtime.WithHooks(newPanicHooks("WorkerStart")))
	mustRegister(t, r, f)
	ws, err := r.Exec(t.Context(), "hp")
	if ws != nil {
		t.Error("Exec returned a worker")
	}
	wantPanic(t, err, "WorkerStart", "")
	if got := r.Workers("hp"); len(got) != 0 {
		t.Errorf("%d workers left", len(got))
	}
	if ws, err = r.Exec(t.Context(), "hp"); err != nil {
		t.Fatal(err)
	}
	job, err := postErr(t, r, "hp", "a", nil, runtime.OnWorker(ws.ID()))
	if err != nil {
		t.Fatal(err)
	}
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	closeWithin(t, r, 5*time.Second)
}

// syncBuffer is a bytes.Buffer for a logger written from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A panic in a hook that runs after the fact is recovered and logged, with
// its stack, to the runtime's logger; the job's outcome stands.
func TestHookPanicAfterTheFact(t *testing.T) {
	for _, hook := range []string{"WorkerStop", "AfterJob", "AfterRoutine"} {
		t.Run(hook, func(t *testing.T) {
			f := runtime.NewFlow("hp")
			mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
			var logs syncBuffer
			r := runtime.New(runtime.WithHooks(newPanicHooks(hook)), runtime.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			mustRegister(t, r, f)
			for range 2 {
				job, err := postErr(t, r, "hp", "a", nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := waitJob(t, job); err != nil || job.Status() != runtime.JobCompleted {
					t.Fatalf("job %v: %v", job.Status(), err)
				}
			}
			waitAll(t, r)
			closeWithin(t, r, 5*time.Second)
			out := logs.String()
			for _, want := range []string{"level=ERROR", hook + " panicked", hook + " bug", "faults_test.go"} {
				if !strings.Contains(out, want) {
					t.Errorf("log lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// A panic in a hook that runs for one activation fails that job like a
// panic in logic; the next job runs.
func TestHookPanicInActivation(t *testing.T) {
	for _, c := range []struct{ hook, fn string }{{"BeforeRoutine", "BeforeRoutine"}, {"OnEmit", "OnEmit"}} {
		t.Run(c.hook, func(t *testing.T) {
			f := runtime.NewFlow("hp")
			mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(forward))
			mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(nop))
			mustConnect(t, f, "a", "out", "b", "in")
			r := runtime.New(runtime.WithHooks(newPanicHooks(c.hook)))
			mustRegister(t, r, f)
			job, err := postErr(t, r, "hp", "a", runtime.Message{})
			if err != nil {
				t.Fatal(err)
			}
			wantPanic(t, waitJob(t, job), c.fn, "a")
			job, err = postErr(t, r, "hp", "a", runtime.Message{})
			if err != nil {
				t.Fatal(err)
			}
			if err := waitJob(t, job); err != nil {
				t.Errorf("the next job: %v", err)
			}
			closeWithin(t, r, 5*time.Second)
		})
	}
}

type enqueuePanic struct{ runtime.NopHooks }

func (enqueuePanic) BeforeEnqueue(ctx context.Context, routineID, slot string, msg runtime.Message) error {
	if routineID == "b" {
		panic("enqueue bug")
	}
	return nil
}

// A BeforeEnqueue that panics on an emit fails the emitting job, named
// after the hook.
func TestHookPanicInEmitEnqueue(t *testing.T) {
	f := runtime.NewFlow("hp")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(forward))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(nop))
	mustConnect(t, f, "a", "out", "b", "in")
	r := runtime.New(runtime.WithHooks(enqueuePanic{}))
	mustRegister(t, r, f)
	job, err := postErr(t, r, "hp", "a", runtime.Message{})
	if err != nil {
		t.Fatal(err)
	}
	wantPanic(t, waitJob(t, job), "BeforeEnqueue", "a")
	closeWithin(t, r, 5*time.Second)
}

// nilPtrErr is an error type whose methods dereference their receiver, as
// most do: a typed nil *nilPtrErr returned as an error is non-nil, and its
// Error and Unwrap panic.
type nilPtrErr struct {
	msg   string
	inner error
}

func (e *nilPtrErr) Error() string { return e.msg }
func (e *nilPtrErr) Unwrap() error { return e.inner }

// Logic that returns a typed nil pointer as its error (the classic Go
// slip) hands the runtime an error whose Error and Unwrap panic. Whatever
// the strategy, the runtime records it (Error's panic is text in the trace,
// not a crash of the pool goroutine) and the job ends as the strategy says.
func TestErrorWhoseMethodsPanic(t *testing.T) {
	for _, s := range []runtime.ErrorStrategy{runtime.Stop, runtime.Continue, runtime.Skip, runtime.Retry} {
		t.Run(s.String(), func(t *testing.T) {
			var logs bytes.Buffer
			r := runtime.New(runtime.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			f := runtime.NewFlow("f")
			mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").OnError(runtime.ErrorHandler{Strategy: s, MaxRetries: 1}).
				Logic(func(context.Context, runtime.Input) error {
					var e *nilPtrErr
					return e
				}))
			mustRegister(t, r, f)
			job, err := postErr(t, r, "f", "a", runtime.Message{})
			if err != nil {
				t.Fatal(err)
			}
			err = waitJob(t, job)
			switch s {
			case runtime.Continue, runtime.Skip:
				if err != nil || job.Status() != runtime.JobCompleted {
					t.Errorf("job %v, %v; want completed", job.Status(), err)
				}
			default:
				var ne *nilPtrErr
				if job.Status() != runtime.JobFailed || !errors.As(err, &ne) {
					t.Errorf("job %v, %v; want failed with the *nilPtrErr", job.Status(), err)
				}
			}
			if len(job.TraceLog()) == 0 {
				t.Error("the error left no trace")
			}
			closeWithin(t, r, 5*time.Second)
		})
	}
}

// A job cancelled while its logic runs, whose logic then returns an error
// whose Unwrap panics: the runtime asks whether that error is the job's
// end (ErrJobEnded) without crashing, and the job stays cancelled.
func TestErrorWhoseUnwrapPanicsAfterCancel(t *testing.T) {
	r := runtime.New()
	started := make(chan struct{})
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, _ runtime.Input) error {
		close(started)
		<-ctx.Done()
		var e *nilPtrErr
		return e
	}))
	mustRegister(t, r, f)
	job, err := postErr(t, r, "f", "a", runtime.Message{})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	job.Cancel(nil)
	if err := waitJob(t, job); !errors.Is(err, context.Canceled) {
		t.Errorf("job error %v, want context.Canceled", err)
	}
	closeWithin(t, r, 5*time.Second)
}

// A veto with an error whose Error panics, or with none, still has a
// message.
func TestVetoErrorText(t *testing.T) {
	var e *nilPtrErr
	for _, v := range []*runtime.VetoError{{Hook: "BeforeJob", What: "job x", Err: e}, {Hook: "BeforeJob", What: "job x"}} {
		if msg := v.Error(); !strings.HasPrefix(msg, "BeforeJob vetoed job x: ") {
			t.Errorf("VetoError.Error() = %q", msg)
		}
	}
}

// panicHandler is a slog.Handler whose every method panics.
type panicHandler struct{}

func (panicHandler) Enabled(context.Context, slog.Level) bool  { panic("Enabled bug") }
func (panicHandler) Handle(context.Context, slog.Record) error { panic("Handle bug") }
func (panicHandler) WithAttrs([]slog.Attr) slog.Handler        { panic("WithAttrs bug") }
func (panicHandler) WithGroup(string) slog.Handler             { panic("WithGroup bug") }

// The handler of WithLogger's logger is the user's code, and the runtime
// calls it on its own goroutines (a continued error's record, a hook's
// panic): a panic in it loses the record, not the process; logic logging
// through Logger does not fail its job; the job's captured log keeps the
// records.
func TestLogHandlerPanics(t *testing.T) {
	r := runtime.New(runtime.WithLogger(slog.New(panicHandler{})), runtime.WithHooks(newPanicHooks("AfterJob")))
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").OnError(runtime.ErrorHandler{Strategy: runtime.Continue}).
		Logic(func(ctx context.Context, _ runtime.Input) error {
			runtime.Logger(ctx).WithGroup("g").With("k", 1).Info("from logic")
			return errors.New("continued")
		}))
	mustRegister(t, r, f)
	for range 2 {
		job, err := postErr(t, r, "f", "a", runtime.Message{})
		if err != nil {
			t.Fatal(err)
		}
		if err := waitJob(t, job); err != nil {
			t.Fatal(err)
		}
		if logs := job.Logs(); len(logs) < 2 || logs[0].Message != "from logic" {
			t.Errorf("job's log %+v, want logic's record and the continued error's", logs)
		}
	}
	closeWithin(t, r, 5*time.Second)
}

// goexitHooks calls runtime.Goexit in BeforeRoutine of jobs posted with
// metadata "hook".
type goexitHooks struct{ runtime.NopHooks }

func (goexitHooks) BeforeRoutine(ctx context.Context) error {
	if job, _ := runtime.JobFromContext(ctx); job.Metadata()["hook"] == true {
		goruntime.Goexit()
	}
	return nil
}

// Logic (or BeforeRoutine) that calls runtime.Goexit, as t.FailNow,
// t.Fatal and t.SkipNow do, fails its job like a panic instead of leaving
// it running for ever (and Wait and Shutdown with it); the pool replaces
// the goroutine, so a one-goroutine pool goes on running jobs.
func TestGoexitInLogic(t *testing.T) {
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprint("workers=", n), func(t *testing.T) { testGoexitInLogic(t, n) })
	}
}

func testGoexitInLogic(t *testing.T, workers int) {
	r := runtime.New(runtime.WithWorkers(workers), runtime.WithHooks(goexitHooks{}))
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		if err := runtime.Emit(ctx, "out", runtime.Message{}); err != nil {
			return err
		}
		if in.Slot("in")[0]["exit"] == true {
			goruntime.Goexit()
		}
		return nil
	}))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(nop))
	mustConnect(t, f, "a", "out", "b", "in")
	mustRegister(t, r, f)
	for i, c := range []struct {
		msg  runtime.Message
		meta runtime.Message
		fn   string
	}{
		{runtime.Message{"exit": true}, nil, "logic"},
		{runtime.Message{}, runtime.Message{"hook": true}, "BeforeRoutine"},
		{runtime.Message{"exit": true}, nil, "logic"},
	} {
		job, err := postErr(t, r, "f", "a", c.msg, runtime.WithMetadata(c.meta))
		if err != nil {
			t.Fatal(err)
		}
		err = waitJob(t, job)
		wantPanic(t, err, c.fn, "a")
		if !strings.Contains(fmt.Sprint(err), "Goexit") {
			t.Errorf("job %d: %v, want an error saying Goexit", i, err)
		}
		if job.Status() != runtime.JobFailed {
			t.Errorf("job %d %v, want failed", i, job.Status())
		}
	}
	if err := waitJob(t, mustPost(t, r, "f", "a", "in", runtime.Message{})); err != nil {
		t.Fatalf("a job after the Goexits: %v", err)
	}
	closeWithin(t, r, 5*time.Second)
}

// goexitOnce calls runtime.Goexit in the hook named in, the first time it
// runs.
type goexitOnce struct {
	runtime.NopHooks
	in   string
	done atomic.Bool
}

func (h *goexitOnce) maybe(name string) {
	if name == h.in && h.done.CompareAndSwap(false, true) {
		goruntime.Goexit()
	}
}
func (h *goexitOnce) WorkerStart(*runtime.WorkerState) { h.maybe("WorkerStart") }
func (h *goexitOnce) BeforeJob(context.Context, *runtime.JobContext) error {
	h.maybe("BeforeJob")
	return nil
}
func (h *goexitOnce) BeforeEnqueue(context.Context, string, string, runtime.Message) error {
	h.maybe("BeforeEnqueue")
	return nil
}
func (h *goexitOnce) AfterRoutine(context.Context, error) { h.maybe("AfterRoutine") }
func (h *goexitOnce) AfterJob(*runtime.JobContext)        { h.maybe("AfterJob") }
func (h *goexitOnce) WorkerStop(*runtime.WorkerState)     { h.maybe("WorkerStop") }

// A hook of a post that calls runtime.Goexit (t.Fatal in a test's hook,
// which runs on the poster's goroutine) ends the poster's goroutine; the
// job it was making is retired, not left for Wait and Shutdown to wait
// on for ever, and later posts run.
func TestGoexitInPostHooks(t *testing.T) {
	for _, hook := range []string{"WorkerStart", "BeforeJob", "BeforeEnqueue"} {
		t.Run(hook, func(t *testing.T) {
			r := runtime.New(runtime.WithHooks(&goexitOnce{in: hook}))
			f := runtime.NewFlow("f")
			mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
			mustRegister(t, r, f)
			exited := make(chan struct{})
			go func() {
				defer close(exited)
				r.Post(context.Background(), "f", "a", "in", runtime.Message{})
				t.Error("Post returned: the hook did not call Goexit")
			}()
			<-exited
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := r.Wait(ctx); err != nil {
				t.Fatalf("Wait after a post whose %s called Goexit: %v", hook, err)
			}
			if err := waitJob(t, mustPost(t, r, "f", "a", "in", runtime.Message{})); err != nil {
				t.Fatal(err)
			}
			closeWithin(t, r, 5*time.Second)
		})
	}
}

// A hook that runs after logic on a pool goroutine (AfterRoutine, AfterJob)
// and calls runtime.Goexit (t.FailNow in a test's hook) ends that
// goroutine; the activation is ended, the job leaves the live list, the
// pool replaces the goroutine, and Wait, later jobs and Close work.
func TestGoexitInAfterHooks(t *testing.T) {
	for _, hook := range []string{"AfterRoutine", "AfterJob"} {
		for _, n := range []int{1, 2} {
			t.Run(fmt.Sprint(hook, "/workers=", n), func(t *testing.T) {
				r := runtime.New(runtime.WithWorkers(n), runtime.WithHooks(&goexitOnce{in: hook}))
				f := runtime.NewFlow("f")
				mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(forward))
				mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(nop))
				mustConnect(t, f, "a", "out", "b", "in")
				mustRegister(t, r, f)
				for range 3 {
					if err := waitJob(t, mustPost(t, r, "f", "a", "in", runtime.Message{})); err != nil {
						t.Fatal(err)
					}
				}
				waitAll(t, r)
				closeWithin(t, r, 5*time.Second)
			})
		}
	}
}

// A WorkerStop hook that calls runtime.Goexit (t.Fatal in a test's hook:
// Close runs WorkerStop on its caller's goroutine) ends the goroutine
// calling Close, and still the pool stops, nothing of the runtime is left
// running, and a second Close returns.
func TestGoexitInWorkerStop(t *testing.T) {
	before := goleak.IgnoreCurrent()
	r := runtime.New(runtime.WithHooks(&goexitOnce{in: "WorkerStop"}))
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	mustRegister(t, r, f)
	if err := waitJob(t, mustPost(t, r, "f", "a", "in", runtime.Message{})); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		r.Close()
		t.Error("Close returned: WorkerStop did not call Goexit")
	}()
	<-exited
	closeWithin(t, r, 5*time.Second)
	goleak.VerifyNone(t, before)
}

package runtime_test

import (
	"context"
	"errors"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// blockFlow registers flow "block": routine "a" reports that it started on
// started, then waits for its context to end and reports ctx.Err() on
// ended. "b" fails when a message says so.
func blockFlow(t *testing.T, r *runtime.Runtime) (started chan *runtime.JobContext, ended chan error) {
	t.Helper()
	started, ended = make(chan *runtime.JobContext, 16), make(chan error, 16)
	f := runtime.NewFlow("block")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		job, _ := runtime.JobFromContext(ctx)
		started <- job
		select {
		case <-ctx.Done():
			ended <- ctx.Err()
		case <-time.After(20 * time.Second):
			ended <- errors.New("ctx never ended")
		}
		return nil
	}))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		return errors.New("b failed")
	}))
	mustAdd(t, f, "fork", runtime.NewRoutine("fork").Slot("in").Event("a").Event("b").Logic(func(ctx context.Context, in runtime.Input) error {
		if err := runtime.Emit(ctx, "a", nil); err != nil {
			return err
		}
		<-started // b fails only once a runs
		started <- nil
		return runtime.Emit(ctx, "b", nil)
	}))
	mustConnect(t, f, "fork", "a", "a", "in")
	mustConnect(t, f, "fork", "b", "b", "in")
	mustRegister(t, r, f)
	return started, ended
}

func recvErr(t *testing.T, ch chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("logic's context did not end")
		return nil
	}
}

// Logic's context ends when its job is cancelled, and Err says so.
func TestCancelReachesLogic(t *testing.T) {
	r := newRuntime(t)
	started, ended := blockFlow(t, r)
	job := mustPost(t, r, "block", "a", "in", nil)
	<-started
	cause := errors.New("user gave up")
	job.Cancel(cause)
	if err := recvErr(t, ended); !errors.Is(err, context.Canceled) {
		t.Errorf("logic's ctx.Err() = %v, want context.Canceled", err)
	}
	if err := waitJob(t, job); !errors.Is(err, cause) || job.Status() != runtime.JobCancelled {
		t.Errorf("job %v: %v", job.Status(), err)
	}
}

// A failure of another activation ends the job, and so the context of
// logic still running for it.
func TestFailureEndsSiblingLogic(t *testing.T) {
	r := newRuntime(t, runtime.WithWorkers(3))
	_, ended := blockFlow(t, r)
	job := mustPost(t, r, "block", "fork", "in", nil)
	if err := recvErr(t, ended); !errors.Is(err, context.Canceled) {
		t.Errorf("logic's ctx.Err() = %v, want context.Canceled", err)
	}
	if err := waitJob(t, job); err == nil || err.Error() != `routine "b": b failed` {
		t.Errorf("job %v: %v", job.Status(), err)
	}
}

type postKey struct{}

// The post's context lends its values, not its cancellation: a job
// outlives the request that posted it.
func TestPostContextValuesNotCancellation(t *testing.T) {
	r := newRuntime(t)
	f := runtime.NewFlow("pc")
	got := make(chan any, 1)
	release := make(chan struct{})
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		<-release
		if ctx.Err() != nil {
			return ctx.Err()
		}
		got <- ctx.Value(postKey{})
		return nil
	}))
	mustRegister(t, r, f)
	pctx, cancel := context.WithCancel(context.WithValue(context.Background(), postKey{}, "v"))
	job, err := r.Post(pctx, "pc", "a", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	close(release)
	if err := waitJob(t, job); err != nil {
		t.Fatalf("job ended with its post's context: %v", err)
	}
	if v := <-got; v != "v" {
		t.Errorf("value %v", v)
	}
}

// WithTimeout bounds the job: logic sees the deadline and its context
// ends at it; the job is cancelled with an error matching
// context.DeadlineExceeded.
func TestWithTimeout(t *testing.T) {
	r := newRuntime(t)
	f := runtime.NewFlow("to")
	deadline := make(chan time.Time, 1)
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		d, ok := ctx.Deadline()
		if !ok {
			return errors.New("no deadline")
		}
		deadline <- d
		// A context derived from logic's ends with it.
		sub, cancel := context.WithCancel(ctx)
		defer cancel()
		<-sub.Done()
		return sub.Err()
	}))
	mustRegister(t, r, f)
	before := time.Now()
	job := mustPost(t, r, "to", "a", "in", nil, runtime.WithTimeout(50*time.Millisecond))
	err := waitJob(t, job)
	if !errors.Is(err, context.DeadlineExceeded) || job.Status() != runtime.JobCancelled {
		t.Errorf("job %v: %v", job.Status(), err)
	}
	if d := <-deadline; d.Before(before.Add(50*time.Millisecond)) || d.After(time.Now()) {
		t.Errorf("deadline %v, posted at %v", d, before)
	}
	// A job done in time completes; a deadline already passed cancels it.
	q := runtime.NewFlow("quick")
	mustAdd(t, q, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	mustRegister(t, r, q)
	if err := waitJob(t, mustPost(t, r, "quick", "a", "in", nil, runtime.WithTimeout(time.Hour))); err != nil {
		t.Errorf("job within its timeout: %v", err)
	}
	if err := waitJob(t, mustPost(t, r, "quick", "a", "in", nil, runtime.WithTimeout(-time.Second))); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("job past its deadline: %v", err)
	}
}

// Contexts derived from logic's end with the job without a goroutine each:
// logic's context offers package context an AfterFunc.
func TestDerivedContextsNeedNoGoroutine(t *testing.T) {
	r := newRuntime(t)
	f := runtime.NewFlow("derive")
	const n = 200
	grew := make(chan int, 1)
	children := make(chan []context.Context, 1)
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		before := goruntime.NumGoroutine()
		var kids []context.Context
		for range n {
			c, cancel := context.WithCancel(ctx)
			defer cancel()
			kids = append(kids, c)
		}
		grew <- goruntime.NumGoroutine() - before
		children <- kids
		<-ctx.Done()
		return nil
	}))
	mustRegister(t, r, f)
	job := mustPost(t, r, "derive", "a", "in", nil)
	if d := <-grew; d >= n/2 {
		t.Errorf("%d derived contexts started %d goroutines", n, d)
	}
	kids := <-children
	job.Cancel(nil)
	for _, c := range kids {
		select {
		case <-c.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("a derived context did not end with the job")
		}
	}
	waitJob(t, job)
}

// An emit after the job was cancelled, from logic that ran on, delivers
// nothing and says so: an error wrapping ErrJobEnded, untyped and typed
// alike, while the same emit before the cancel goes through.
func TestEmitAfterJobEnded(t *testing.T) {
	for _, typed := range []bool{false, true} {
		r := newRuntime(t)
		f := runtime.NewFlow("late")
		out := runtime.NewOut[int]("n")
		started, cancelled := make(chan *runtime.JobContext, 1), make(chan struct{})
		errs := make(chan error, 2)
		emit := func(ctx context.Context) error {
			if typed {
				return out.Emit(ctx, 1)
			}
			return runtime.Emit(ctx, "m", runtime.Message{"n": 1})
		}
		mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("m").Out(out).Logic(func(ctx context.Context, in runtime.Input) error {
			errs <- emit(ctx) // the job runs: delivered
			job, _ := runtime.JobFromContext(ctx)
			started <- job
			<-cancelled
			errs <- emit(ctx)
			return nil
		}))
		mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").In(runtime.NewIn[int]("v")).Logic(func(context.Context, runtime.Input) error { return nil }))
		mustConnect(t, f, "a", "m", "b", "in")
		mustConnect(t, f, "a", "n", "b", "v")
		mustRegister(t, r, f)
		job := mustPost(t, r, "late", "a", "in", nil)
		<-started
		job.Cancel(errors.New("stop"))
		close(cancelled)
		if err := <-errs; err != nil {
			t.Errorf("typed=%v: emit while the job runs: %v", typed, err)
		}
		if err := <-errs; !errors.Is(err, runtime.ErrJobEnded) {
			t.Errorf("typed=%v: emit after the job was cancelled = %v, want ErrJobEnded", typed, err)
		}
		if err := waitJob(t, job); job.Status() != runtime.JobCancelled {
			t.Errorf("typed=%v: job %v: %v", typed, job.Status(), err)
		}
	}
}

package runtime_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// Shutdown with a deadline cancels what is still running, waits for its
// logic to return, and leaves no goroutine (TestMain's goleak checks).
func TestShutdownDeadline(t *testing.T) {
	r := runtime.New(runtime.WithWorkers(2))
	started, ended := blockFlow(t, r)
	job := mustPost(t, r, "block", "a", "in", nil)
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := r.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want an error matching context.DeadlineExceeded", err)
	}
	select {
	case err := <-ended: // Shutdown waited for the logic to return
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("logic's ctx.Err() = %v", err)
		}
	default:
		t.Error("Shutdown returned before the logic did")
	}
	if st := job.Status(); st != runtime.JobCancelled || !errors.Is(job.Err(), context.DeadlineExceeded) {
		t.Errorf("job %v: %v", st, job.Err())
	}
	if _, err := r.Post(context.Background(), "block", "a", "in", nil); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("Post after Shutdown: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close after Shutdown: %v", err)
	}
}

// Shutdown whose jobs end in time returns nil, like Close.
func TestShutdownInTime(t *testing.T) {
	r := runtime.New()
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	mustRegister(t, r, f)
	job := mustPost(t, r, "f", "a", "in", nil)
	if err := r.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	if job.Status() != runtime.JobCompleted {
		t.Errorf("job %v", job.Status())
	}
}

// A job that ended does not keep Close waiting for its retry timer.
func TestCloseSkipsRetryTimerOfEndedJob(t *testing.T) {
	for _, how := range []string{"cancel", "timeout", "sibling fails"} {
		t.Run(how, func(t *testing.T) {
			r := runtime.New(runtime.WithWorkers(2))
			f := runtime.NewFlow("retry")
			failed := make(chan struct{}, 1)
			mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").OnError(runtime.ErrorHandler{Strategy: runtime.Retry, MaxRetries: 3, Delay: time.Hour}).
				Logic(func(ctx context.Context, in runtime.Input) error {
					failed <- struct{}{}
					return errors.New("flaky")
				}))
			mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
				<-failed
				failed <- struct{}{}
				return errors.New("b failed")
			}))
			mustAdd(t, f, "fork", runtime.NewRoutine("fork").Slot("in").Event("a").Event("b").Logic(func(ctx context.Context, in runtime.Input) error {
				return errors.Join(runtime.Emit(ctx, "a", nil), runtime.Emit(ctx, "b", nil))
			}))
			mustConnect(t, f, "fork", "a", "a", "in")
			mustConnect(t, f, "fork", "b", "b", "in")
			mustRegister(t, r, f)
			var job *runtime.JobContext
			switch how {
			case "cancel":
				job = mustPost(t, r, "retry", "a", "in", nil)
				<-failed
				job.Cancel(nil)
			case "timeout":
				job = mustPost(t, r, "retry", "a", "in", nil, runtime.WithTimeout(30*time.Millisecond))
			case "sibling fails":
				job = mustPost(t, r, "retry", "fork", "in", nil)
			}
			if err := waitJob(t, job); err == nil {
				t.Fatal("job completed")
			}
			closeWithin(t, r, 5*time.Second)
		})
	}
}

// A job that ended does not keep Close waiting for a TimeInterval throttle.
func TestCloseSkipsThrottleOfEndedJob(t *testing.T) {
	r := runtime.New()
	f := runtime.NewFlow("slow")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Policy(runtime.TimeInterval(time.Hour)).Logic(nop))
	mustRegister(t, r, f)
	first := mustPost(t, r, "slow", "a", "in", nil)
	if err := waitJob(t, first); err != nil {
		t.Fatal(err)
	}
	second := mustPost(t, r, "slow", "a", "in", nil) // waits an hour for the throttle
	second.Cancel(nil)
	if err := waitJob(t, second); !errors.Is(err, context.Canceled) {
		t.Fatalf("second job: %v", err)
	}
	waitAll(t, r)
	closeWithin(t, r, 5*time.Second)
}

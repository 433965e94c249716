package runtime_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// A finished job's Wait reports the job's outcome even when ctx is done
// too: with both channels ready a bare select picks either one, so every
// try below would see ctx.Err() about half the time.
func TestJobWaitPrefersTheOutcome(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	boom := errors.New("boom")
	for i := range 200 {
		ok := runtime.NewJobContext("ok", "f", "w", nil)
		ok.Complete()
		if err := ok.Wait(done); err != nil {
			t.Fatalf("try %d: completed job, done ctx: Wait = %v, want nil", i, err)
		}
		failed := runtime.NewJobContext("failed", "f", "w", nil)
		failed.Fail(boom)
		if err := failed.Wait(done); !errors.Is(err, boom) {
			t.Fatalf("try %d: failed job, done ctx: Wait = %v, want %v", i, err, boom)
		}
	}
	// A job still running loses to ctx, of course.
	running := runtime.NewJobContext("running", "f", "w", nil)
	if err := running.Wait(done); !errors.Is(err, context.Canceled) {
		t.Fatalf("running job, done ctx: Wait = %v, want context.Canceled", err)
	}
}

func TestJobResult(t *testing.T) {
	r := newRuntime(t)
	f := runtime.NewFlow("res")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(forward))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		job, err := runtime.RequireJob(ctx)
		if err != nil {
			return err
		}
		job.SetResult(in.Slot("in")[0]["v"].(int) * 2)
		return nil
	}))
	mustConnect(t, f, "a", "out", "b", "in")
	mustRegister(t, r, f)
	job := mustPost(t, r, "res", "a", "in", runtime.Message{"v": 21})
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	if got := job.Result(); got != 42 {
		t.Errorf("Result = %v, want 42", got)
	}
	if got := runtime.NewJobContext("j", "f", "w", nil).Result(); got != nil {
		t.Errorf("Result of a job that set none = %v, want nil", got)
	}
}

// RetryDelay saturates: it never wraps into a negative or small delay.
func TestRetryDelaySaturates(t *testing.T) {
	const maxD = time.Duration(math.MaxInt64)
	for _, c := range []struct {
		h    runtime.ErrorHandler
		k    int
		want time.Duration
	}{
		{runtime.ErrorHandler{Delay: time.Second, Backoff: 2}, 35, maxD},
		{runtime.ErrorHandler{Delay: time.Second, Backoff: 2}, 1 << 30, maxD},
		{runtime.ErrorHandler{Delay: time.Second, Backoff: 1e10}, 2, maxD}, // 1e19 ns
		{runtime.ErrorHandler{Delay: time.Nanosecond, Backoff: 1e10}, 2, 1e10},
		{runtime.ErrorHandler{Delay: time.Second, Backoff: 1e10}, 3, maxD},
		{runtime.ErrorHandler{Delay: time.Second, Backoff: math.Inf(1)}, 2, maxD},
		{runtime.ErrorHandler{Delay: 0, Backoff: math.Inf(1)}, 5, 0},
		{runtime.ErrorHandler{Delay: -time.Second, Backoff: 2}, 3, 0},
		{runtime.ErrorHandler{Delay: time.Second, Backoff: math.NaN()}, 3, time.Second},
		{runtime.ErrorHandler{Delay: time.Second, Backoff: 2}, 3, 4 * time.Second},
	} {
		if got := c.h.RetryDelay(c.k); got != c.want || got < 0 {
			t.Errorf("%+v.RetryDelay(%d) = %v, want %v", c.h, c.k, got, c.want)
		}
	}
	// Monotone up to saturation.
	h := runtime.ErrorHandler{Delay: time.Millisecond, Backoff: 3}
	prev := time.Duration(0)
	for k := 1; k < 200; k++ {
		d := h.RetryDelay(k)
		if d < prev {
			t.Fatalf("RetryDelay(%d) = %v < RetryDelay(%d) = %v", k, d, k-1, prev)
		}
		prev = d
	}
}

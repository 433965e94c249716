package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

var errBoom = errors.New("boom")

// failing returns a routine that fails its first `fails` calls (all calls
// when fails < 0), counting calls, recording call times and checking that
// every retry sees the same input.
func failing(calls *atomic.Int32, fails int32, times *recorder[time.Time]) *runtime.Routine {
	return runtime.NewRoutine("flaky").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		n := calls.Add(1)
		if times != nil {
			times.add(time.Now())
		}
		if got := in.Slot("in"); len(got) != 1 || got[0]["v"] != 7 {
			return fmt.Errorf("call %d got input %v, want the original message", n, got)
		}
		if fails < 0 || n <= fails {
			return errBoom
		}
		return runtime.Emit(ctx, "out", runtime.Message{})
	})
}

func errFlow(t *testing.T, r *runtime.Runtime, id string, flaky *runtime.Routine, flowDefault *runtime.ErrorHandler) (downstream *atomic.Int32) {
	t.Helper()
	downstream = new(atomic.Int32)
	f := runtime.NewFlow(id)
	if flowDefault != nil {
		f.OnError(*flowDefault)
	}
	mustAdd(t, f, "flaky", flaky)
	mustAdd(t, f, "next", runtime.NewRoutine("next").Slot("in").Logic(func(context.Context, runtime.Input) error {
		downstream.Add(1)
		return nil
	}))
	mustConnect(t, f, "flaky", "out", "next", "in")
	mustRegister(t, r, f)
	return downstream
}

func TestRetryReRunsLogic(t *testing.T) {
	r := newRuntime(t)
	t.Run("succeeds on the last retry", func(t *testing.T) {
		var calls atomic.Int32
		next := errFlow(t, r, "retry-ok", failing(&calls, 3, nil).OnError(runtime.ErrorHandler{Strategy: runtime.Retry, MaxRetries: 3}), nil)
		job := mustPost(t, r, "retry-ok", "flaky", "in", runtime.Message{"v": 7})
		if err := waitJob(t, job); err != nil {
			t.Fatalf("job failed: %v", err)
		}
		if calls.Load() != 4 || next.Load() != 1 {
			t.Errorf("logic ran %d times (want 1 + 3 retries), downstream %d", calls.Load(), next.Load())
		}
		retries := 0
		for _, e := range job.TraceLog() {
			if e.Action == "retry" && e.RoutineID == "flaky" {
				retries++
			}
		}
		if retries != 3 {
			t.Errorf("%d retry trace entries, want 3", retries)
		}
	})
	t.Run("gives up and stops", func(t *testing.T) {
		var calls atomic.Int32
		var times recorder[time.Time]
		h := runtime.ErrorHandler{Strategy: runtime.Retry, MaxRetries: 3, Delay: 10 * time.Millisecond, Backoff: 2}
		next := errFlow(t, r, "retry-fail", failing(&calls, -1, &times).OnError(h), nil)
		job := mustPost(t, r, "retry-fail", "flaky", "in", runtime.Message{"v": 7})
		err := waitJob(t, job)
		if !errors.Is(err, errBoom) || job.Status() != runtime.JobFailed {
			t.Fatalf("job: %v %v, want failed with boom", job.Status(), err)
		}
		if !strings.Contains(err.Error(), "3 retries") {
			t.Errorf("error %q does not say it gave up", err)
		}
		if calls.Load() != 4 || next.Load() != 0 {
			t.Errorf("logic ran %d times, want exactly 4; downstream ran %d", calls.Load(), next.Load())
		}
		ts := times.get()
		for k := 1; k < len(ts); k++ {
			want := h.RetryDelay(k)
			if gap := ts[k].Sub(ts[k-1]); gap < want {
				t.Errorf("retry %d after %v, want ≥ %v", k, gap, want)
			}
		}
		if d := h.RetryDelay(3); d != 40*time.Millisecond {
			t.Errorf("RetryDelay(3) = %v, want 40ms", d)
		}
	})
	t.Run("a negative MaxRetries retries nothing, and says so", func(t *testing.T) {
		var calls atomic.Int32
		errFlow(t, r, "retry-none", failing(&calls, -1, nil).OnError(runtime.ErrorHandler{Strategy: runtime.Retry, MaxRetries: -1}), nil)
		err := waitJob(t, mustPost(t, r, "retry-none", "flaky", "in", runtime.Message{"v": 7}))
		if !errors.Is(err, errBoom) || calls.Load() != 1 || !strings.Contains(err.Error(), "giving up after 0 retries") {
			t.Errorf("job: %v after %d calls, want boom after 1, giving up after 0 retries", err, calls.Load())
		}
	})
}

func TestContinueSkipStop(t *testing.T) {
	r := newRuntime(t)
	for _, tc := range []struct {
		name        string
		routineH    *runtime.ErrorHandler
		flowH       *runtime.ErrorHandler
		wantStatus  runtime.JobStatus
		wantAction  string
		wantRoutine runtime.RoutineStatus
	}{
		{"no handler stops", nil, nil, runtime.JobFailed, "failed", runtime.RoutineFailed},
		{"stop", &runtime.ErrorHandler{Strategy: runtime.Stop}, nil, runtime.JobFailed, "failed", runtime.RoutineFailed},
		{"continue", &runtime.ErrorHandler{Strategy: runtime.Continue}, nil, runtime.JobCompleted, "error", runtime.RoutineIdle},
		{"skip", &runtime.ErrorHandler{Strategy: runtime.Skip}, nil, runtime.JobCompleted, "skipped", runtime.RoutineSkipped},
		{"flow default", nil, &runtime.ErrorHandler{Strategy: runtime.Skip}, runtime.JobCompleted, "skipped", runtime.RoutineSkipped},
		{"routine beats flow", &runtime.ErrorHandler{Strategy: runtime.Stop}, &runtime.ErrorHandler{Strategy: runtime.Continue}, runtime.JobFailed, "failed", runtime.RoutineFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			flaky := runtime.NewRoutine("flaky").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
				calls.Add(1)
				// Emit first: Continue and Skip let the job go on with it,
				// Stop must keep the job from completing.
				if err := runtime.Emit(ctx, "out", runtime.Message{}); err != nil {
					return err
				}
				return errBoom
			})
			if tc.routineH != nil {
				flaky.OnError(*tc.routineH)
			}
			id := strings.ReplaceAll(tc.name, " ", "-")
			next := errFlow(t, r, id, flaky, tc.flowH)
			job := mustPost(t, r, id, "flaky", "in", runtime.Message{})
			err := waitJob(t, job)
			waitAll(t, r)
			if job.Status() != tc.wantStatus {
				t.Fatalf("status %v (err %v), want %v", job.Status(), err, tc.wantStatus)
			}
			if tc.wantStatus == runtime.JobFailed && (!errors.Is(err, errBoom) || !strings.Contains(err.Error(), `"flaky"`)) {
				t.Errorf("job error %v does not wrap boom and name the routine", err)
			}
			if tc.wantStatus == runtime.JobCompleted && next.Load() != 1 {
				t.Errorf("downstream ran %d times, want 1", next.Load())
			}
			if calls.Load() != 1 {
				t.Errorf("logic ran %d times", calls.Load())
			}
			var found bool
			for _, e := range job.TraceLog() {
				if e.RoutineID == "flaky" && e.Action == tc.wantAction && strings.Contains(fmt.Sprint(e.Details["error"]), "boom") {
					found = true
				}
			}
			if !found {
				t.Errorf("no %q trace entry with the error: %+v", tc.wantAction, job.TraceLog())
			}
			ws := r.Workers(id)
			if got := ws[0].RoutineStatus("flaky"); got != tc.wantRoutine {
				t.Errorf("routine status %q, want %q", got, tc.wantRoutine)
			}
			wantFailed := int64(0)
			if tc.wantStatus == runtime.JobFailed {
				wantFailed = 1
			}
			if ws[0].JobsProcessed() != 1 || ws[0].JobsFailed() != wantFailed {
				t.Errorf("counters %d/%d", ws[0].JobsProcessed(), ws[0].JobsFailed())
			}
		})
	}
}

// Stop stops: after a failure no further activation of the job starts.
func TestStopStopsTheJob(t *testing.T) {
	var after atomic.Int32
	f := runtime.NewFlow("stop")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Event("bad").Logic(func(ctx context.Context, in runtime.Input) error {
		if err := runtime.Emit(ctx, "bad", runtime.Message{}); err != nil {
			return err
		}
		// Wait for the failure: logic that waits on its own emits' effects
		// must not hold them back (an idle pool goroutine steals them).
		job, _ := runtime.JobFromContext(ctx)
		select {
		case <-job.Done():
		case <-time.After(5 * time.Second):
			return errors.New("the failing routine never ran while this one waited")
		}
		return runtime.Emit(ctx, "out", runtime.Message{})
	}))
	mustAdd(t, f, "bad", runtime.NewRoutine("bad").Slot("in").Logic(func(context.Context, runtime.Input) error { return errBoom }))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(func(context.Context, runtime.Input) error {
		after.Add(1)
		return nil
	}))
	mustConnect(t, f, "a", "out", "b", "in")
	mustConnect(t, f, "a", "bad", "bad", "in")
	r := newRuntime(t, runtime.WithWorkers(2))
	mustRegister(t, r, f)
	job := mustPost(t, r, "stop", "a", "in", runtime.Message{})
	if err := waitJob(t, job); !errors.Is(err, errBoom) {
		t.Fatalf("job err %v", err)
	}
	waitAll(t, r)
	for _, e := range job.TraceLog() {
		if e.RoutineID == "a" {
			t.Errorf("a failed: %v", e.Details)
		}
	}
	if after.Load() != 0 {
		t.Error("a routine ran after its job failed")
	}
}

func TestPanicFailsOnlyItsJob(t *testing.T) {
	var completed atomic.Int32
	f := runtime.NewFlow("panic")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(forward))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		if in.Slot("in")[0]["panic"] == true {
			panic("kaboom")
		}
		completed.Add(1)
		return nil
	}).OnError(runtime.ErrorHandler{Strategy: runtime.Continue})) // panics are not absorbed
	mustConnect(t, f, "a", "out", "b", "in")
	r := newRuntime(t, runtime.WithWorkers(2))
	mustRegister(t, r, f)
	var jobs []*runtime.JobContext
	for i := range 20 {
		jobs = append(jobs, mustPost(t, r, "panic", "a", "in", runtime.Message{"panic": i == 7}))
	}
	waitAll(t, r)
	for i, j := range jobs {
		if i != 7 {
			if j.Status() != runtime.JobCompleted {
				t.Errorf("job %d: %v %v", i, j.Status(), j.Err())
			}
			continue
		}
		var pe *runtime.PanicError
		if j.Status() != runtime.JobFailed || !errors.As(j.Err(), &pe) {
			t.Fatalf("panicking job: %v %v", j.Status(), j.Err())
		}
		if pe.Value != "kaboom" || pe.RoutineID != "b" || !strings.Contains(string(pe.Stack), "runtime_test.TestPanicFailsOnlyItsJob") {
			t.Errorf("panic error: value %v routine %q stack:\n%s", pe.Value, pe.RoutineID, pe.Stack)
		}
		if !strings.Contains(j.Err().Error(), "kaboom") || !strings.Contains(j.Err().Error(), "goroutine") {
			t.Errorf("job error lacks value or stack: %v", j.Err())
		}
	}
	if completed.Load() != 19 {
		t.Errorf("%d jobs completed their routine, want 19", completed.Load())
	}
	// The runtime carries on.
	if err := waitJob(t, mustPost(t, r, "panic", "a", "in", runtime.Message{})); err != nil {
		t.Errorf("job after a panic: %v", err)
	}
}

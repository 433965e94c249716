package runtime_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/routigen/routigen/runtime"
)

// dropFlow: "split" sends its message to join.left only, so join
// (AllSlotsReady) never fires, and three messages to batch (BatchSize(2)),
// which fires once and leaves one.
func dropFlow(t *testing.T, mode *runtime.DropMode) *runtime.Runtime {
	t.Helper()
	f := runtime.NewFlow("drop")
	mustAdd(t, f, "split", runtime.NewRoutine("split").Slot("in").Event("left").Event("batch").Logic(func(ctx context.Context, in runtime.Input) error {
		errs := []error{runtime.Emit(ctx, "left", runtime.Message{})}
		for range 3 {
			errs = append(errs, runtime.Emit(ctx, "batch", runtime.Message{}))
		}
		return errors.Join(errs...)
	}))
	mustAdd(t, f, "join", runtime.NewRoutine("join").Slot("left").Slot("right").Policy(runtime.AllSlotsReady()).Logic(nop))
	mustAdd(t, f, "batch", runtime.NewRoutine("batch").Slot("in").Policy(runtime.BatchSize(2)).Logic(nop))
	mustConnect(t, f, "split", "left", "join", "left")
	mustConnect(t, f, "split", "batch", "batch", "in")
	if mode != nil {
		f.OnDrop(*mode)
	}
	r := newRuntime(t)
	mustRegister(t, r, f)
	return r
}

var wantDrops = []runtime.Drop{
	{RoutineID: "join", Slot: "left", Count: 1, Policy: "all_slots_ready"},
	{RoutineID: "batch", Slot: "in", Count: 1, Policy: "batch_size(2)"},
}

// Dropped messages are part of the job's outcome, not only of its trace.
func TestDropsInTheOutcome(t *testing.T) {
	r := dropFlow(t, nil)
	job := mustPost(t, r, "drop", "split", "in", nil)
	if err := waitJob(t, job); err != nil || job.Status() != runtime.JobCompleted {
		t.Fatalf("job %v: %v", job.Status(), err)
	}
	if got := job.Dropped(); !slices.Equal(got, wantDrops) {
		t.Errorf("Dropped() = %+v, want %+v", got, wantDrops)
	}
	clean := runtime.NewFlow("clean")
	mustAdd(t, clean, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	mustRegister(t, r, clean)
	job = mustPost(t, r, "clean", "a", "in", nil)
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	if got := job.Dropped(); got != nil {
		t.Errorf("a job that dropped nothing: Dropped() = %v", got)
	}
}

// A DropFail flow fails such a job with a *DropError matching ErrDropped.
func TestDropFail(t *testing.T) {
	mode := runtime.DropFail
	r := dropFlow(t, &mode)
	job := mustPost(t, r, "drop", "split", "in", nil)
	err := waitJob(t, job)
	var de *runtime.DropError
	if job.Status() != runtime.JobFailed || !errors.Is(err, runtime.ErrDropped) || !errors.As(err, &de) || !slices.Equal(de.Drops, wantDrops) {
		t.Fatalf("job %v: %v", job.Status(), err)
	}
	if want := "unconsumed messages: 1 at join.left (all_slots_ready), 1 at batch.in (batch_size(2))"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	// DropComplete is the default, spelled out.
	mode = runtime.DropComplete
	r = dropFlow(t, &mode)
	if err := waitJob(t, mustPost(t, r, "drop", "split", "in", nil)); err != nil {
		t.Errorf("DropComplete: %v", err)
	}
}

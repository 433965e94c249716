package runtimetest_test

import (
	"context"
	"testing"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

type counter struct{ N int }

// count is logic under test: it counts its inputs in per-routine job state.
func count(ctx context.Context, in runtime.Input) error {
	c, err := runtime.JobCell[counter](ctx, "counter", runtime.PerRoutine)
	if err != nil {
		return err
	}
	c.Update(func(s *counter) { s.N += len(in.Slot("in")) })
	return nil
}

func TestNewContext(t *testing.T) {
	ctx, job, _ := runtimetest.NewContext(t, "a")
	in := runtime.NewInput(map[string][]runtime.Message{"in": {{}, {}}})
	if err := count(ctx, in); err != nil {
		t.Fatal(err)
	}
	// Another instance of the routine in the same job counts apart.
	if err := count(runtimetest.WithRoutine(ctx, "b"), in); err != nil {
		t.Fatal(err)
	}
	if err := count(runtimetest.WithRoutine(ctx, "b"), in); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]int{"a": 2, "b": 4} {
		c, _ := runtime.JobCell[counter](runtimetest.WithRoutine(ctx, id), "counter", runtime.PerRoutine)
		if got := c.RLock().N; got != want {
			t.Errorf("%s counted %d, want %d", id, got, want)
		}
		c.RUnlock()
	}
	if job.FlowID() != runtimetest.FlowID {
		t.Errorf("flow %q", job.FlowID())
	}
}

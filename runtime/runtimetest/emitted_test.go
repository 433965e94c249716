package runtimetest_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

// double is logic under test: it emits every input twice as large.
func double(ctx context.Context, in runtime.Input) error {
	for _, m := range in.Slot("in") {
		if err := runtime.Emit(ctx, "out", runtime.Message{"n": m["n"].(int) * 2}); err != nil {
			return err
		}
	}
	return nil
}

// Logic that emits can be unit-tested: Emit works in a NewContext context
// and Emitted lists what the routine emitted, in order.
func TestEmitted(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "a")
	if got := runtimetest.Emitted(ctx); len(got) != 0 {
		t.Fatalf("emitted before any emit: %v", got)
	}
	in := runtime.NewInput(map[string][]runtime.Message{"in": {{"n": 1}, {"n": 2}}})
	if err := double(ctx, in); err != nil {
		t.Fatalf("Emit in a runtimetest context: %v", err)
	}
	other := runtimetest.WithRoutine(ctx, "b")
	if err := runtime.Emit(other, "done", nil); err != nil {
		t.Fatal(err)
	}
	want := []runtimetest.Emission{
		{Event: "out", Payload: runtime.Message{"n": 2}},
		{Event: "out", Payload: runtime.Message{"n": 4}},
	}
	if got := runtimetest.Emitted(ctx); !reflect.DeepEqual(got, want) {
		t.Errorf("Emitted(a) = %v, want %v", got, want)
	}
	if got := runtimetest.Emitted(other); !reflect.DeepEqual(got, []runtimetest.Emission{{Event: "done"}}) {
		t.Errorf("Emitted(b) = %v", got)
	}
	// A context NewContext did not build records nothing, and Emit there
	// still fails: there is no routine to emit from.
	if got := runtimetest.Emitted(context.Background()); got != nil {
		t.Errorf("Emitted(Background) = %v", got)
	}
	if err := runtime.Emit(runtime.WithJob(context.Background(), runtime.NewJobContext("j", "f", "w", nil)), "out", nil); !errors.Is(err, runtime.ErrNoRoutine) {
		t.Errorf("Emit with a job but no routine: %v", err)
	}
}

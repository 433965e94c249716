package runtimetest_test

import (
	"context"
	"slices"
	"testing"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

type order struct{ ID, Total int }

var (
	orderIn  = runtime.NewIn[order]("order")
	accepted = runtime.NewOut[order]("accepted")
	rejected = runtime.NewOut[runtime.Message]("rejected")
)

// intake is logic over typed ports, unit-tested without a flow.
func intake(ctx context.Context, in runtime.Input) error {
	for _, o := range orderIn.From(in) {
		if o.Total > 0 {
			if err := accepted.Emit(ctx, o); err != nil {
				return err
			}
			continue
		}
		if err := rejected.Emit(ctx, runtime.Message{"id": o.ID}); err != nil {
			return err
		}
	}
	return nil
}

func TestEmittedOf(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "intake")
	in := runtime.InputWith(runtime.NewInput(nil), orderIn, order{1, 5}, order{2, 0}, order{3, 7})
	if err := intake(ctx, in); err != nil {
		t.Fatal(err)
	}
	if got := runtimetest.EmittedOf(ctx, accepted); !slices.Equal(got, []order{{1, 5}, {3, 7}}) {
		t.Errorf("accepted %v", got)
	}
	if got := runtimetest.EmittedOf(ctx, rejected); len(got) != 1 || got[0]["id"] != 2 {
		t.Errorf("rejected %v", got)
	}
	// Another type under the name, or another routine: nothing.
	if got := runtimetest.EmittedOf(ctx, runtime.NewOut[string]("accepted")); got != nil {
		t.Errorf("EmittedOf of a string event: %v", got)
	}
	if got := runtimetest.EmittedOf(runtimetest.WithRoutine(ctx, "other"), accepted); got != nil {
		t.Errorf("another routine's emits: %v", got)
	}
	// The untyped view of a typed emit.
	all := runtimetest.Emitted(ctx)
	if len(all) != 3 || all[0].Event != "accepted" || all[0].Value != (order{1, 5}) ||
		all[0].Payload[runtime.ValueKey] != (order{1, 5}) {
		t.Errorf("Emitted %+v", all)
	}
}

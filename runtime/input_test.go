package runtime_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/routigen/routigen/runtime"
)

// TestMultiSlotInput covers how an activation lays out its input: one
// message per slot for routines of two, three (inline space) and five
// slots, each slot's slice its own (appending to one never shows in
// another).
func TestMultiSlotInput(t *testing.T) {
	for _, k := range []int{2, 3, 5} {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			names := make([]string, k)
			join := runtime.NewRoutine("join").Policy(runtime.AllSlotsReady())
			for i := range names {
				names[i] = fmt.Sprint("s", i)
				join.Slot(names[i])
			}
			var got [][]int
			join.Logic(func(ctx context.Context, in runtime.Input) error {
				for i, n := range names {
					ms := in.Slot(n)
					_ = append(ms, runtime.Message{"v": -1})
					vs := []int{}
					for _, m := range ms {
						vs = append(vs, m["v"].(int))
					}
					got = append(got, vs)
					if len(ms) != 1 || ms[0]["v"] != i {
						return fmt.Errorf("slot %s: %v", n, ms)
					}
				}
				for i, n := range names {
					if ms := in.Slot(n); len(ms) != 1 || ms[0]["v"] != i {
						return fmt.Errorf("slot %s changed by an append to another: %v", n, ms)
					}
				}
				return nil
			})
			fan := runtime.NewRoutine("fan").Slot("in")
			for i := range names {
				fan.Event(names[i])
			}
			fan.Logic(func(ctx context.Context, in runtime.Input) error {
				for i, n := range names {
					if err := runtime.Emit(ctx, n, runtime.Message{"v": i}); err != nil {
						return err
					}
				}
				return nil
			})
			f := runtime.NewFlow("multi")
			mustAdd(t, f, "fan", fan)
			mustAdd(t, f, "join", join)
			for _, n := range names {
				mustConnect(t, f, "fan", n, "join", n)
			}
			r := newRuntime(t)
			mustRegister(t, r, f)
			if err := waitJob(t, mustPost(t, r, "multi", "fan", "in", runtime.Message{})); err != nil {
				t.Fatal(err)
			}
			if len(got) != k {
				t.Fatalf("join saw %v, want one activation with %d slots", got, k)
			}
		})
	}
}

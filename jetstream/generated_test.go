package jetstream

import (
	"context"
	"testing"
	"time"

	"github.com/routigen/routigen/examples/overseer/demo"
	"github.com/routigen/routigen/runtime"
)

// counterFlow is the demo's Counter routine, whose worker-scope
// CounterState goes through generated accessors and the generated state
// codec, followed by a sink that returns the count.
func counterFlow(t *testing.T) *runtime.Flow {
	sink := runtime.NewRoutine("sink").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		job, err := runtime.RequireJob(ctx)
		if err != nil {
			return err
		}
		job.SetResult(in.Slot("in")[0]["count"])
		return nil
	})
	f := runtime.NewFlow("counter")
	for _, err := range []error{f.Add("counter", demo.Counter()), f.Add("sink", sink), f.Connect("counter", "count", "sink", "in")} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// Worker state behind generated accessors moves to the next node through
// the generated codec: the count goes on where the first node left it, an
// int64 still.
func TestGeneratedStateMovesBetweenNodes(t *testing.T) {
	s := testServer(t)
	p := newPrefix()
	ctx := timeout(t, 20*time.Second)
	post := func(rt *runtime.Runtime) any {
		t.Helper()
		job, err := rt.Post(ctx, "counter", "counter", "input", runtime.Message{"value": 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := job.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		return job.Result()
	}
	a, _ := testNode(t, s, p)
	register(t, a, counterFlow(t))
	for range 3 {
		post(a)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := testNode(t, s, p)
	register(t, b, counterFlow(t))
	if got := post(b); got != int64(4) {
		t.Errorf("count on the next node %#v, want int64(4)", got)
	}
}

package runtime_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/routigen/routigen/runtime"
)

// Job ids are random-prefix-plus-counter UUIDs made lazily: they must still
// be unique within and across runtimes, parse as version 4 RFC 4122 UUIDs,
// and be found by Runtime.Job.
func TestJobIDs(t *testing.T) {
	block := make(chan struct{})
	blocking := runtime.NewRoutine("b").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		<-block
		return nil
	})
	seen := map[string]bool{}
	var held []*runtime.JobContext
	var rts []*runtime.Runtime
	for range 2 {
		r := newRuntime(t)
		f := runtime.NewFlow("ids")
		mustAdd(t, f, "b", blocking)
		mustRegister(t, r, f)
		rts = append(rts, r)
		for range 200 { // under the pool's backpressure limit: the logic blocks
			held = append(held, mustPost(t, r, "ids", "b", "in", nil))
		}
	}
	for i, job := range held {
		id := job.ID()
		if id != job.ID() {
			t.Fatalf("ID changed between calls: %q, %q", id, job.ID())
		}
		u, err := uuid.Parse(id)
		if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 {
			t.Fatalf("id %q: %v, version %v, variant %v", id, err, u.Version(), u.Variant())
		}
		if seen[id] {
			t.Fatalf("id %q made twice", id)
		}
		seen[id] = true
		if got, ok := rts[i/200].Job(id); !ok || got != job {
			t.Errorf("Job(%q) = %v, %v", id, got, ok)
		}
	}
	close(block)
	named := mustPost(t, rts[0], "ids", "b", "in", nil, runtime.WithJobID("mine"))
	if named.ID() != "mine" {
		t.Errorf("WithJobID: id %q", named.ID())
	}
	for _, r := range rts {
		waitAll(t, r)
	}
}

// Without a Backend, Lookup finds the jobs running on this runtime, whatever
// their id, and wraps ErrUnknownJob for an id no job ever had.
func TestLookupInMemory(t *testing.T) {
	block := make(chan struct{})
	r := newRuntime(t)
	f := runtime.NewFlow("look")
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		<-block
		return nil
	}))
	mustRegister(t, r, f)
	named := mustPost(t, r, "look", "b", "in", nil, runtime.WithJobID("named"))
	random := mustPost(t, r, "look", "b", "in", nil)
	for _, want := range []*runtime.JobContext{named, random} {
		got, err := r.Lookup(context.Background(), want.ID())
		if err != nil || got != want {
			t.Errorf("Lookup(%q) = %v, %v; want the running job", want.ID(), got, err)
		}
	}
	if got, err := r.Lookup(context.Background(), "nope"); !errors.Is(err, runtime.ErrUnknownJob) || got != nil {
		t.Errorf("Lookup(nope) = %v, %v; want ErrUnknownJob", got, err)
	}
	close(block)
}

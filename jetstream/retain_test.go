package jetstream

import (
	"context"
	"errors"
	goruntime "runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// keepFlow is flow "blob": routine "a" keeps the []byte of its message's
// "blob" in its worker's state.
func keepFlow(t testing.TB) *runtime.Flow {
	f := runtime.NewFlow("blob")
	r := runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		ec, err := runtime.RequireExec(ctx)
		if err != nil {
			return err
		}
		for _, m := range in.Slot("in") {
			ec.Worker.UpdateRoutineState(ec.RoutineID, runtime.Message{"blob": m["blob"]})
		}
		return nil
	})
	if err := f.Add("a", r); err != nil {
		t.Fatal(err)
	}
	return f
}

func heapAlloc() uint64 {
	var ms goruntime.MemStats
	goruntime.GC()
	goruntime.GC()
	goruntime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// A service that calls Exec per session under a Backend must not grow with
// the workers that stopped: once a stopped worker's last job is over and
// its state saved, the node keeps neither the worker nor its state (the
// caller's *WorkerState is then the only reference to it).
func TestStoppedExecWorkersReleaseTheirMemory(t *testing.T) {
	const (
		workers   = 40
		stateSize = 64 << 10
		// Workers whose state may stay referenced: the last few, from
		// what the node recycles (bounded), not one per stopped worker.
		kept = 4
	)
	s := testServer(t)
	nc, err := s.Conn()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	b, err := NewBackend(nc, Prefix(newPrefix()), AckWait(time.Second), CallTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rt := runtime.New(runtime.WithBackend(b))
	t.Cleanup(func() { rt.Close() })
	register(t, rt, keepFlow(t))
	ctx := timeout(t, 60*time.Second)
	var freed atomic.Int64
	session := func(i int) {
		wctx, stop := context.WithCancel(ctx)
		defer stop()
		ws, err := rt.Exec(wctx, "blob")
		if err != nil {
			t.Fatal(err)
		}
		goruntime.AddCleanup(ws, func(*atomic.Int64) { freed.Add(1) }, &freed)
		job, err := rt.Post(ctx, "blob", "a", "in", runtime.Message{"blob": make([]byte, stateSize)}, runtime.OnWorker(ws.ID()))
		if err != nil {
			t.Fatal(err)
		}
		if err := job.Wait(ctx); err != nil {
			t.Fatalf("worker %d: %v", i, err)
		}
	}
	session(-1) // what any use makes once (consumers, buckets, the pool)
	servedOnly := func(n int) {
		for {
			b.mu.Lock()
			left := len(b.workers)
			b.mu.Unlock()
			if left <= n {
				return
			}
			if ctx.Err() != nil {
				t.Fatalf("%d workers still served, want %d", left, n)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	servedOnly(1) // the flow's default worker: the Exec'd one retired
	before := heapAlloc()
	for i := range workers {
		session(i)
	}
	servedOnly(1)
	for end := time.Now().Add(5 * time.Second); freed.Load() < workers+1-kept && time.Now().Before(end); {
		goruntime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	// Logged, not bounded: the embedded server's caches of what it
	// stored are on this heap too, and expire on the server's clock.
	after := heapAlloc()
	grown := int64(after) - int64(before)
	t.Logf("heap grew by %d bytes for %d stopped workers (%d bytes each; each held %d bytes of state); %d of %d workers' states freed",
		grown, workers, grown/workers, stateSize, freed.Load(), workers+1)
	if n := freed.Load(); n < workers+1-kept {
		t.Errorf("%d of %d stopped workers' states still referenced: the node keeps stopped workers", workers+1-n, workers+1)
	}
}

// A node that adopted an Exec'd worker (its node stopped pulling its jobs
// for a while) lets it go once its Exec ends on its own node: it stops
// serving it, and its runtime forgets it, state and all, once its last
// job there is over and saved. Else every adopted worker stayed there for
// the node's life.
func TestAdoptedWorkerDroppedWhenItsExecEnds(t *testing.T) {
	s := testServer(t)
	p := newPrefix()
	node := func(id string) (*runtime.Runtime, *Backend) {
		nc, err := s.Conn()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		b, err := NewBackend(nc, Prefix(p), AckWait(time.Second), CallTimeout(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		rt := runtime.New(runtime.WithBackend(b), runtime.WithNodeID(id))
		t.Cleanup(func() { rt.Close() })
		register(t, rt, keepFlow(t))
		return rt, b
	}
	a, ab := node("a")
	_, bb := node("b")
	ctx := timeout(t, 30*time.Second)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	ws, err := a.Exec(wctx, "blob")
	if err != nil {
		t.Fatal(err)
	}
	id := ws.ID()
	ab.mu.Lock()
	sw := ab.workers[id]
	ab.mu.Unlock()
	sw.stopConsuming() // node a stops pulling: b adopts the worker
	job, err := a.Post(ctx, "blob", "a", "in", runtime.Message{"blob": make([]byte, 1<<10)}, runtime.OnWorker(id))
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	adopted := func() (served, held bool) {
		bb.mu.Lock()
		w := bb.workers[id]
		bb.mu.Unlock()
		_, _, held, _ = bb.node.SaveWorker(id)
		return w != nil && w.adopted, held
	}
	if served, held := adopted(); !served || !held {
		t.Fatalf("node b served the worker: %v, held it: %v; want both (it ran its job)", served, held)
	}
	stop() // its Exec ends on node a
	for {
		served, held := adopted()
		if !served && !held {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the worker's Exec ended, and node b still serves it: %v, holds it: %v", served, held)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for {
		_, err := a.Post(ctx, "blob", "a", "in", nil, runtime.OnWorker(id))
		if errors.Is(err, runtime.ErrWorkerStopped) {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("Post to the stopped worker: %v, want ErrWorkerStopped", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

package jetstream

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// A worker Exec started is gone for good once its ctx ends: no other node
// serves it and its id is its process's. A job already queued for it then
// ends, failed with ErrWorkerStopped's text, instead of waiting for ever,
// and a later Post naming it, on any node, fails with ErrWorkerStopped, as
// in the in-memory runtime.
func TestStoppedExecWorker(t *testing.T) {
	s := testServer(t)
	p := newPrefix()
	var runs atomic.Int64
	block := make(chan struct{})
	front, _ := testNode(t, s, p, runtime.PostOnly())
	register(t, front, countFlow(t, &runs, block))
	nc, err := s.Conn()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	b, err := NewBackend(nc, Prefix(p), AckWait(time.Second), MaxInFlight(1))
	if err != nil {
		t.Fatal(err)
	}
	back := runtime.New(runtime.WithBackend(b))
	t.Cleanup(func() { back.Close() })
	register(t, back, countFlow(t, &runs, block))
	ctx := timeout(t, 20*time.Second)
	wctx, stop := context.WithCancel(ctx)
	ws, err := back.Exec(wctx, "count")
	if err != nil {
		t.Fatal(err)
	}
	running, err := front.Post(ctx, "count", "count", "in", nil, runtime.OnWorker(ws.ID()))
	if err != nil {
		t.Fatal(err)
	}
	for runs.Load() == 0 {
		if ctx.Err() != nil {
			t.Fatal("the first job never started")
		}
		time.Sleep(time.Millisecond)
	}
	queued, err := front.Post(ctx, "count", "count", "in", nil, runtime.OnWorker(ws.ID()))
	if err != nil {
		t.Fatal(err)
	}
	stop()
	close(block)
	if err := running.Wait(ctx); err != nil {
		t.Errorf("the job running when the worker stopped: %v, want completed", err)
	}
	if err := queued.Wait(ctx); err == nil || !strings.Contains(err.Error(), runtime.ErrWorkerStopped.Error()) {
		t.Errorf("the job queued when the worker stopped: %v, want failed, the worker stopped", err)
	}
	for _, rt := range []*runtime.Runtime{front, back} {
		for {
			_, err := rt.Post(ctx, "count", "count", "in", nil, runtime.OnWorker(ws.ID()))
			if errors.Is(err, runtime.ErrWorkerStopped) {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("Post to the stopped worker: %v, want ErrWorkerStopped", err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if n := runs.Load(); n != 1 {
		t.Errorf("%d runs, want 1", n)
	}
}

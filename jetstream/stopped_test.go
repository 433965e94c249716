package jetstream

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
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
	b, err := NewBackend(nc, Prefix(p), AckWait(time.Second), MaxInFlight(1), CallTimeout(time.Second))
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
	// Its node forgets it once its jobs are done, and the server deletes
	// its consumer after a while: a node doing an Exec per request keeps
	// neither growing.
	for served := true; served; {
		b.mu.Lock()
		_, served = b.workers[ws.ID()]
		b.mu.Unlock()
		if ctx.Err() != nil {
			t.Fatal("the node still serves the stopped worker")
		}
		time.Sleep(50 * time.Millisecond)
	}
	c, err := b.stream.Consumer(ctx, consumerName(ws.ID()))
	if err != nil {
		t.Fatal(err)
	}
	if c.CachedInfo().Config.InactiveThreshold == 0 {
		t.Error("the stopped worker's consumer is kept for ever")
	}
}

// A node that Exec'd a worker is SIGKILLed, or shut down (SIGTERM), under
// load: another node that registered the flow takes the worker over within
// about AckWait, loads its state and runs every job posted to it.
func TestExecWorkerMovesWhenItsNodeDies(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) { execWorkerMoves(t, sig) })
	}
}

func execWorkerMoves(t *testing.T, sig syscall.Signal) {
	url, prefix, front := faultSetup(t)
	ctx := timeout(t, 30*time.Second)
	env := []string{envRole + "=node", envURL + "=" + url, envPrefix + "=" + prefix}
	idFile := filepath.Join(t.TempDir(), "worker")
	a := startProc(t, append(env, envExec+"="+idFile)...)
	startProc(t, env...) // b: serves the flow's default worker only
	id, err := os.ReadFile(idFile)
	if err != nil {
		t.Fatal(err)
	}
	jobs := make([]*runtime.JobContext, 100)
	for i := range jobs {
		if jobs[i], err = front.Post(ctx, "fault", "work", "in", runtime.Message{"sleep_ms": 5}, runtime.OnWorker(string(id))); err != nil {
			t.Fatal(err)
		}
	}
	for done := 0; done < 10; {
		done = 0
		for _, j := range jobs {
			if j.Status().Finished() {
				done++
			}
		}
		if ctx.Err() != nil {
			t.Fatal("node A finished nothing")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := a.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	if sig == syscall.SIGTERM {
		// Its node shut down, not its Exec: the worker lives on elsewhere
		// and takes posts.
		_ = a.cmd.Wait()
		for range 10 {
			j, err := front.Post(ctx, "fault", "work", "in", runtime.Message{"sleep_ms": 0}, runtime.OnWorker(string(id)))
			if err != nil {
				t.Fatalf("Post to the worker after its node shut down: %v", err)
			}
			jobs = append(jobs, j)
		}
	}
	outs := waitAll(ctx, t, jobs)
	t.Logf("last job done %v after the %v (AckWait 1s)", time.Since(killed), sig)
	checkCounts(t, outs)
}

package runtime_test

import (
	"context"
	"errors"
	"fmt"
	goruntime "runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/routigen/routigen/runtime"
)

// stopCounter counts WorkerStop calls, and closes all once it saw want of
// them. The runtime forgets a stopped worker before its WorkerStop runs.
type stopCounter struct {
	runtime.NopHooks
	want  int64
	n     atomic.Int64
	all   chan struct{}
	each  chan struct{} // if not nil, told of every stop
	mu    sync.Mutex
	perID map[string]int
}

func newStopCounter(want int) *stopCounter {
	return &stopCounter{want: int64(want), all: make(chan struct{}), perID: map[string]int{}}
}

func (h *stopCounter) WorkerStop(w *runtime.WorkerState) {
	if h.perID != nil {
		h.mu.Lock()
		h.perID[w.ID()]++
		h.mu.Unlock()
	}
	if h.each != nil {
		h.each <- struct{}{}
	}
	if h.n.Add(1) == h.want {
		close(h.all)
	}
}

func (h *stopCounter) stops(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.perID[id]
}

// blobFlow registers flow "blob": routine "a" stores the []byte of its
// message's "blob" under its worker state (the worker's memory), and then
// waits on gate if gate is not nil.
func blobFlow(t *testing.T, h runtime.Hooks, gate <-chan struct{}) *runtime.Runtime {
	t.Helper()
	f := runtime.NewFlow("blob")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		ec, err := runtime.RequireExec(ctx)
		if err != nil {
			return err
		}
		for _, m := range in.Slot("in") {
			ec.Worker.UpdateRoutineState("a", runtime.Message{"blob": m["blob"]})
		}
		if gate != nil {
			<-gate
		}
		return nil
	}))
	g := runtime.NewFlow("other")
	mustAdd(t, g, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	r := newRuntime(t, runtime.WithHooks(h))
	mustRegister(t, r, f)
	mustRegister(t, r, g)
	return r
}

func heapInUse() uint64 {
	var ms goruntime.MemStats
	goruntime.GC()
	goruntime.GC()
	goruntime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// A service that calls Exec per request or session must not grow with the
// workers that stopped: each leaves at most a small tombstone (its id, so
// that posts to it still fail with ErrWorkerStopped), not its state.
func TestStoppedWorkersReleaseTheirMemory(t *testing.T) {
	const (
		warmup    = 1_000
		workers   = 10_000
		stateSize = 4 << 10
		// Bytes a stopped worker may still hold: none, but for noise (a
		// tombstone of its id in a map would take about 100).
		perWorker = 16
	)
	h := newStopCounter(warmup + workers)
	h.perID = nil // its memory is not the runtime's
	h.each = make(chan struct{}, 1)
	r := blobFlow(t, h, nil)
	// One session at a time, each over (its worker stopped) before the
	// next: else the goroutines that see Exec's contexts end pile up, and
	// the Go runtime's table of goroutines, which never shrinks, grows.
	session := func(i int) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ws, err := r.Exec(ctx, "blob")
		if err != nil {
			t.Fatal(err)
		}
		job := mustPost(t, r, "blob", "a", "in", runtime.Message{"blob": make([]byte, stateSize)}, runtime.OnWorker(ws.ID()))
		if err := waitJob(t, job); err != nil {
			t.Fatalf("worker %d: %v", i, err)
		}
		cancel()
		<-h.each
	}
	// Warm up what any use makes once (the pool, free jobRuns, the
	// registry's table), so that only what stopped workers keep is
	// measured.
	for i := range warmup {
		session(i)
	}
	before := heapInUse()
	for i := range workers {
		session(i)
	}
	<-h.all // every worker stopped, and was forgotten before its WorkerStop
	after := heapInUse()
	grown := int64(after) - int64(before)
	t.Logf("heap grew by %d bytes for %d stopped workers (%d bytes each; each held %d bytes of state)", grown, workers, grown/workers, stateSize)
	if grown > workers*perWorker {
		t.Errorf("heap grew by %d bytes for %d stopped workers: %d bytes each, over the bound of %d: stopped workers keep their memory", grown, workers, grown/workers, perWorker)
	}
	goruntime.KeepAlive(r)
}

// A worker forgotten once stopped still refuses posts as a stopped worker
// (not an unknown one), still is another flow's worker to the other flow,
// is not among Workers, and its WorkerState still reads as before.
func TestForgottenWorkerStillRefusesPosts(t *testing.T) {
	h := newStopCounter(1)
	r := blobFlow(t, h, nil)
	ctx, cancel := context.WithCancel(context.Background())
	ws, err := r.Exec(ctx, "blob")
	if err != nil {
		t.Fatal(err)
	}
	if err := waitJob(t, mustPost(t, r, "blob", "a", "in", runtime.Message{"blob": "kept"}, runtime.OnWorker(ws.ID()))); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-h.all
	for _, tc := range []struct {
		flow string
		want error
	}{{"blob", runtime.ErrWorkerStopped}, {"other", runtime.ErrUnknownWorker}} {
		job, err := r.Post(context.Background(), tc.flow, "a", "in", runtime.Message{}, runtime.OnWorker(ws.ID()))
		if !errors.Is(err, tc.want) || job != nil {
			t.Errorf("post to the stopped worker as flow %q: job %v, err %v, want %v", tc.flow, job, err, tc.want)
		}
	}
	for name, id := range notExecd(t, r, ws.ID()) {
		if _, err := r.Post(context.Background(), "blob", "a", "in", runtime.Message{}, runtime.OnWorker(id)); !errors.Is(err, runtime.ErrUnknownWorker) {
			t.Errorf("post to %s %q, which no Exec returned: %v, want ErrUnknownWorker", name, id, err)
		}
	}
	if got := r.Workers("blob"); len(got) != 0 {
		t.Errorf("Workers lists %d workers after the only Exec'd one stopped", len(got))
	}
	if got := ws.RoutineState("a")["blob"]; got != "kept" {
		t.Errorf("state after the worker was forgotten: %v", got)
	}
	if ws.JobsProcessed() != 1 || ws.RoutineStatus("a") != runtime.RoutineIdle {
		t.Errorf("processed %d, status %v", ws.JobsProcessed(), ws.RoutineStatus("a"))
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if n := h.stops(ws.ID()); n != 1 {
		t.Errorf("WorkerStop ran %d times for the forgotten worker, want once", n)
	}
}

// A job running when its worker's context ends finishes normally; the
// worker is forgotten (and WorkerStop runs) only after it.
func TestJobRunningAtStopFinishes(t *testing.T) {
	h := newStopCounter(1)
	gate := make(chan struct{})
	r := blobFlow(t, h, gate)
	ctx, cancel := context.WithCancel(context.Background())
	ws, err := r.Exec(ctx, "blob")
	if err != nil {
		t.Fatal(err)
	}
	job := mustPost(t, r, "blob", "a", "in", runtime.Message{"blob": "late"}, runtime.OnWorker(ws.ID()))
	for ws.RoutineStatus("a") != runtime.RoutineRunning {
		goruntime.Gosched()
	}
	cancel()
	if _, err := r.Post(context.Background(), "blob", "a", "in", runtime.Message{}, runtime.OnWorker(ws.ID())); !errors.Is(err, runtime.ErrWorkerStopped) {
		t.Errorf("post while the last job runs: %v", err)
	}
	select {
	case <-h.all:
		t.Fatal("WorkerStop ran while the worker's job was running")
	default:
	}
	close(gate)
	if err := waitJob(t, job); err != nil || job.Status() != runtime.JobCompleted {
		t.Fatalf("job running at stop: status %v, err %v", job.Status(), err)
	}
	<-h.all
	if _, err := r.Post(context.Background(), "blob", "a", "in", runtime.Message{}, runtime.OnWorker(ws.ID())); !errors.Is(err, runtime.ErrWorkerStopped) {
		t.Errorf("post once the worker was forgotten: %v", err)
	}
	if got := ws.RoutineState("a")["blob"]; got != "late" || ws.JobsProcessed() != 1 {
		t.Errorf("state %v, processed %d", got, ws.JobsProcessed())
	}
}

// Posts racing their worker's stop either run or fail as a stopped
// worker's: never as an unknown worker's, never lost.
func TestPostsRacingWorkerStop(t *testing.T) {
	const workers, posts = 50, 20
	h := newStopCounter(workers)
	r := blobFlow(t, h, nil)
	var wg sync.WaitGroup
	errs := make(chan error, workers*posts)
	for range workers {
		ctx, cancel := context.WithCancel(context.Background())
		ws, err := r.Exec(ctx, "blob")
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			var jobs []*runtime.JobContext
			for i := range posts {
				if i == posts/2 {
					cancel()
				}
				job, err := r.Post(context.Background(), "blob", "a", "in", runtime.Message{"blob": i}, runtime.OnWorker(ws.ID()))
				switch {
				case err == nil:
					jobs = append(jobs, job)
				case !errors.Is(err, runtime.ErrWorkerStopped):
					errs <- fmt.Errorf("post %d: %w", i, err)
				}
			}
			for _, j := range jobs {
				if err := j.Wait(context.Background()); err != nil {
					errs <- err
				}
			}
			if got := ws.JobsProcessed(); got != int64(len(jobs)) {
				errs <- fmt.Errorf("worker ran %d jobs, %d were posted", got, len(jobs))
			}
		})
	}
	wg.Wait()
	<-h.all
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// notExecd returns ids no Exec of r returned, each like the id of stopped,
// a worker of r that stopped, in some way: the runtime knows a stopped
// worker by its id alone, and must not take these for one.
func notExecd(t *testing.T, r *runtime.Runtime, stopped string) map[string]string {
	t.Helper()
	last := stopped[len(stopped)-1]
	next := "0"
	if last != 'f' {
		next = string(last + 1)
		if last == '9' {
			next = "a"
		}
	}
	ids := map[string]string{
		"its id in capitals":   strings.ToUpper(stopped),
		"its id as a URN":      "urn:uuid:" + stopped,
		"its id with a suffix": stopped + "x",
		"the id after it":      stopped[:len(stopped)-1] + next,
		"the id of a job":      mustPost(t, r, "other", "a", "in", nil).ID(),
	}
	// Another runtime's Exec'd worker of a flow of the same name, stopped.
	other := newRuntime(t)
	g := runtime.NewFlow("blob")
	mustAdd(t, g, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	mustRegister(t, other, g)
	ctx, cancel := context.WithCancel(context.Background())
	ws, err := other.Exec(ctx, "blob")
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	ids["another runtime's id"] = ws.ID()
	return ids
}

// startPanics is hooks whose WorkerStart records the worker's id, then
// panics.
type startPanics struct {
	runtime.NopHooks
	mu sync.Mutex
	id string
}

func (h *startPanics) WorkerStart(w *runtime.WorkerState) {
	h.mu.Lock()
	h.id = w.ID()
	h.mu.Unlock()
	panic("WorkerStart bug")
}

// An Exec whose WorkerStart panicked returned no worker: its id (which the
// hook saw) stays unknown, not stopped, like any id no Exec returned.
func TestFailedExecWorkerStaysUnknown(t *testing.T) {
	h := &startPanics{}
	r := newRuntime(t, runtime.WithHooks(h))
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	mustRegister(t, r, f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if ws, err := r.Exec(ctx, "f"); err == nil || ws != nil {
		t.Fatalf("Exec with a panicking WorkerStart: %v, %v", ws, err)
	}
	h.mu.Lock()
	id := h.id
	h.mu.Unlock()
	cancel()
	if _, err := r.Post(context.Background(), "f", "a", "in", nil, runtime.OnWorker(id)); !errors.Is(err, runtime.ErrUnknownWorker) {
		t.Errorf("post to the worker whose start panicked: %v, want ErrUnknownWorker", err)
	}
}

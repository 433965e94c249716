package runtime_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// heldNode makes a runtime over the loop Backend with flow "keep", whose
// routine "a" keeps its message's "v" in its worker's state, and returns
// its Node, to deliver jobs and save state by hand, as a Backend does.
func heldNode(t *testing.T, opts ...runtime.Option) (*runtime.Runtime, *runtime.Node) {
	t.Helper()
	lb := newLoop().backend()
	r := newRuntime(t, append(opts, runtime.WithBackend(lb))...)
	f := runtime.NewFlow("keep")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		ec, err := runtime.RequireExec(ctx)
		if err != nil {
			return err
		}
		for _, m := range in.Slot("in") {
			ec.Worker.UpdateRoutineState(ec.RoutineID, runtime.Message{"v": m["v"]})
		}
		return nil
	}))
	mustRegister(t, r, f)
	return r, lb.node
}

// deliver runs a job of workerID on n, as a Backend delivers one, and
// waits for its end; it does not save the worker's state.
func deliver(t *testing.T, n *runtime.Node, id, workerID string, v any) error {
	t.Helper()
	done := make(chan *runtime.JobContext, 1)
	spec := &runtime.JobSpec{ID: id, FlowID: "keep", WorkerID: workerID, RoutineID: "a", Slot: "in", Data: runtime.Message{"v": v}}
	if _, err := n.Run(spec, 1, func(j *runtime.JobContext, _ bool) { done <- j }); err != nil {
		return err
	}
	select {
	case j := <-done:
		return j.Err()
	case <-time.After(5 * time.Second):
		t.Fatalf("job %s never ended", id)
		return nil
	}
}

// held reports whether n still holds workerID, waiting up to a second for
// it to let go when want is false (a stop is seen asynchronously).
func held(n *runtime.Node, workerID string, want bool) bool {
	end := time.Now().Add(time.Second)
	for {
		_, _, ok, _ := n.SaveWorker(workerID)
		if ok == want || time.Now().After(end) {
			return ok
		}
		time.Sleep(time.Millisecond)
	}
}

// Under a Backend a stopped Exec'd worker is forgotten only once a save
// has seen every write of its jobs: the Backend saves after a job ended,
// asynchronously, and must find the worker then (a save that failed would
// fail its job). Once forgotten, a job delivered for it fails with
// ErrWorkerStopped rather than making the worker anew.
func TestBackendForgetsStoppedExecWorkerAfterItsSave(t *testing.T) {
	h := newStopCounter(1)
	r, n := heldNode(t, runtime.WithHooks(h))
	ctx, stop := context.WithCancel(context.Background())
	ws, err := r.Exec(ctx, "keep")
	if err != nil {
		t.Fatal(err)
	}
	if err := deliver(t, n, "j1", ws.ID(), "first"); err != nil {
		t.Fatal(err)
	}
	stop()
	<-h.all // the worker is over: WorkerStop ran
	snap, changed, ok, err := n.SaveWorker(ws.ID())
	if err != nil || !ok || !changed || snap.Routines["a"]["v"] != "first" {
		t.Fatalf("the save after the stop: %v changed %v ok %v routines %v; want the last job's write", err, changed, ok, snap.Routines)
	}
	if held(n, ws.ID(), false) {
		t.Error("the stopped worker is still held after a save saw its last write")
	}
	if err := deliver(t, n, "j2", ws.ID(), "late"); !errors.Is(err, runtime.ErrWorkerStopped) {
		t.Errorf("a job delivered for the forgotten worker: %v, want ErrWorkerStopped", err)
	}
	if err := n.LoadWorker("keep", ws.ID(), runtime.WorkerSnapshot{}); !errors.Is(err, runtime.ErrWorkerStopped) {
		t.Errorf("LoadWorker of the forgotten worker: %v, want ErrWorkerStopped", err)
	}
	if held(n, ws.ID(), false) {
		t.Error("a late job or load made the forgotten worker anew")
	}
	if _, err := r.Post(context.Background(), "keep", "a", "in", nil, runtime.OnWorker(ws.ID())); !errors.Is(err, runtime.ErrWorkerStopped) {
		t.Errorf("Post to the forgotten worker: %v, want ErrWorkerStopped", err)
	}
}

// A stopped Exec'd worker whose every write was saved before it stopped
// is forgotten at once: no save comes after it.
func TestBackendForgetsSavedStoppedExecWorker(t *testing.T) {
	r, n := heldNode(t)
	ctx, stop := context.WithCancel(context.Background())
	ws, err := r.Exec(ctx, "keep")
	if err != nil {
		t.Fatal(err)
	}
	if err := deliver(t, n, "j1", ws.ID(), "first"); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, err := n.SaveWorker(ws.ID()); !ok || err != nil {
		t.Fatalf("save of the running worker: ok %v, %v", ok, err)
	}
	if !held(n, ws.ID(), true) {
		t.Fatal("a running Exec'd worker is not held")
	}
	stop()
	if held(n, ws.ID(), false) {
		t.Error("a stopped worker with nothing left to save is still held")
	}
}

// Node.StopWorker lets go of a worker a Backend made here by id (one
// adopted from another node) once it is over and saved; until then its
// jobs fail with ErrWorkerStopped. A flow's default worker, an unknown id
// and a worker Exec'd here are left as they are.
func TestNodeStopWorker(t *testing.T) {
	r, n := heldNode(t)
	const adopted = "from-another-node"
	if err := deliver(t, n, "j1", adopted, "x"); err != nil {
		t.Fatal(err)
	}
	def := runtime.DefaultWorkerID("keep")
	if err := deliver(t, n, "j2", def, "y"); err != nil {
		t.Fatal(err)
	}
	ws, err := r.Exec(context.Background(), "keep")
	if err != nil {
		t.Fatal(err)
	}
	n.StopWorker("no-such-worker")
	n.StopWorker(def)
	n.StopWorker(ws.ID())
	n.StopWorker(adopted)
	// Its last job's write is not saved yet: it is held until it is.
	if err := deliver(t, n, "j3", adopted, "z"); !errors.Is(err, runtime.ErrWorkerStopped) {
		t.Errorf("a job of the stopped worker: %v, want ErrWorkerStopped", err)
	}
	if snap, _, ok, _ := n.SaveWorker(adopted); !ok || snap.Routines["a"]["v"] != "x" {
		t.Fatalf("the save after StopWorker: ok %v routines %v, want its last job's write", ok, snap.Routines)
	}
	if held(n, adopted, false) {
		t.Error("the worker StopWorker stopped is still held after its save")
	}
	if !held(n, def, true) || !held(n, ws.ID(), true) {
		t.Error("StopWorker let go of a default worker or of a worker Exec'd here")
	}
	if err := deliver(t, n, "j4", def, "w"); err != nil {
		t.Errorf("a job of the default worker after StopWorker of it: %v", err)
	}
}

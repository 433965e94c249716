package runtime

import (
	"context"
	"fmt"
	"sync"

	"github.com/google/uuid"
)

// worker is the runtime side of a WorkerState: the flow it runs, its
// throttles and its life cycle. Its jobs' queues hang off their jobRuns.
type worker struct {
	rt    *Runtime
	plan  *plan
	state *WorkerState
	// throttles[i] is the TimeInterval throttle of node i (nil for other
	// policies): one per (worker, routine instance).
	throttles []*throttle

	startOnce, stopOnce sync.Once
	// startErr is the panic of the WorkerStart hook, if it panicked: the
	// worker never starts then, and no job runs on it (see dropWorker).
	// Written in startOnce.
	startErr error
	// ctx is Exec's context (nil for a default worker). Post checks it too:
	// the AfterFunc that marks the worker stopped runs asynchronously.
	ctx       context.Context
	stopWatch func() bool

	// Guarded by rt.liveMu. over: it stopped and its last job is over
	// (workerOver ran), so a save that sees every write may forget it.
	stopped, over bool
	live          int
	// ended: the Backend said the worker stopped cluster-wide
	// (Node.StopWorker), so that, like an Exec'd one, it is forgotten
	// once over.
	ended bool
}

// newWorkerLocked makes a worker of p under id, a fresh one when id is "".
func (r *Runtime) newWorkerLocked(p *plan, id string) *worker {
	ids := make([]string, len(p.nodes))
	for i, n := range p.nodes {
		ids[i] = n.id
	}
	if id == "" {
		id = r.ids.next()
	}
	w := &worker{rt: r, plan: p, state: newRuntimeWorkerState(id, p.id, ids), throttles: make([]*throttle, len(p.nodes))}
	for i, n := range p.nodes {
		if n.def.policy.kind == policyInterval {
			w.throttles[i] = &throttle{d: n.def.policy.d}
		}
	}
	w.state.running = w.running
	r.workers[w.state.id] = w
	return w
}

// running reports whether a job of w has an activation of node i under
// way. It walks the live jobs: slow, but only status queries pay for it.
func (w *worker) running(i int) bool {
	r := w.rt
	r.liveMu.Lock()
	defer r.liveMu.Unlock()
	for jr := r.live.head; jr != nil; jr = jr.nextLive {
		if jr.w != w {
			continue
		}
		jr.mu.Lock()
		running := jr.insts[i].running
		jr.mu.Unlock()
		if running {
			return true
		}
	}
	return false
}

// start runs the WorkerStart hook once, and reports its panic to every
// caller: a worker whose start panicked takes no job.
func (w *worker) start() error {
	w.startOnce.Do(func() {
		if !w.rt.hasHooks {
			return
		}
		if perr := protect("WorkerStart", "", func() { w.rt.hooks.WorkerStart(w.state) }); perr != nil {
			w.startErr = fmt.Errorf("worker %q: %w", w.state.id, perr)
		}
	})
	return w.startErr
}

func (w *worker) stop() {
	w.stopOnce.Do(func() {
		// A worker that never started does not stop before it starts, and
		// one whose start panicked never started.
		if w.start() != nil || !w.rt.hasHooks {
			return
		}
		if perr := protect("WorkerStop", "", func() { w.rt.hooks.WorkerStop(w.state) }); perr != nil {
			w.rt.logPanic(perr, nil)
		}
	})
}

// dropWorker forgets a worker whose start panicked, so that the next post
// to its flow's default worker makes a new one (and runs WorkerStart again)
// instead of failing for ever.
func (r *Runtime) dropWorker(w *worker) {
	r.mu.Lock()
	if r.defaults[w.plan.id] == w {
		delete(r.defaults, w.plan.id)
		r.lastTarget.Store(nil)
	}
	delete(r.workers, w.state.id)
	if w.ctx != nil {
		r.dropped[w.state.id] = struct{}{}
	}
	r.mu.Unlock()
	r.liveMu.Lock()
	w.stopped = true
	r.liveMu.Unlock()
	if w.stopWatch != nil {
		w.stopWatch()
	}
}

func (w *worker) stopTimers() {
	for _, t := range w.throttles {
		if t != nil {
			t.mu.Lock()
			if t.timer != nil {
				t.timer.Stop()
			}
			t.mu.Unlock()
		}
	}
}

// stopWorker makes the worker refuse posts; WorkerStop runs once its last
// job is over.
func (r *Runtime) stopWorker(w *worker) {
	r.liveMu.Lock()
	w.stopped = true
	idle := w.live == 0
	r.liveMu.Unlock()
	if idle {
		r.workerOver(w)
	}
}

// workerOver runs once a worker has stopped and its last job is over: an
// Exec'd worker is forgotten, then WorkerStop runs (so that a hook seeing
// it knows the runtime holds the worker no more).
func (r *Runtime) workerOver(w *worker) {
	r.liveMu.Lock()
	w.over = true
	r.liveMu.Unlock()
	if r.backend == nil || !w.state.unsaved() {
		r.forget(w)
	}
	w.stop()
}

// forget drops the registry's reference to an Exec'd worker that stopped
// and has no job left, keeping nothing of it: its id tells a later post
// that it stopped (see execedLocked). Without this a service calling Exec
// per request grew by every worker's state, queues and throttles for the
// runtime's life, and a tombstone per worker would still grow. Nothing
// else of the runtime refers to the worker then: its jobs are off the
// live list and their jobRuns were reset. A default worker lives as long
// as the runtime, and so does one a Backend made here by id (a worker
// adopted from another node) until Node.StopWorker. Under a Backend, which saves the state a job wrote after
// the job ended (Node.SaveWorker, by id), the worker is forgotten once no
// write of its jobs is left unsaved: by workerOver when the last save came
// first, else by the SaveWorker that sees the worker over.
func (r *Runtime) forget(w *worker) {
	r.liveMu.Lock()
	ends := w.ctx != nil || w.ended
	r.liveMu.Unlock()
	if !ends {
		return
	}
	w.stopTimers()
	id := w.state.id
	r.mu.Lock()
	if r.workers[id] == w {
		delete(r.workers, id)
	}
	r.mu.Unlock()
}

// execedLocked returns the plan of the worker workerID if Exec returned it
// and it is no longer in the registry, that is, it stopped; nil for an id
// no Exec returned. r.mu must be held. It costs a parse, and a look at
// each flow: only posts that fail pay it.
func (r *Runtime) execedLocked(workerID string) *plan {
	u, err := uuid.Parse(workerID)
	if err != nil {
		return nil
	}
	if _, ok := r.dropped[workerID]; ok {
		return nil
	}
	for _, p := range r.flows {
		if p.execIDs.made(u, workerID) {
			return p
		}
	}
	return nil
}

// count and finished run once when a job of w reaches a final status. They
// are the worker's, not the jobRun's: a job can be cancelled from outside
// while its jobRun goes quiet and is recycled.
func (w *worker) count(s JobStatus) { w.state.countStatus(s) }

func (w *worker) jobID(n uint64) string { return w.rt.ids.format(n) }

func (w *worker) clock() *clock { return &w.rt.clock }

func (w *worker) workerID() string { return w.state.id }

func (w *worker) limits() (int, int) { return w.rt.traceLimit, w.rt.logLimit }

func (w *worker) finished(j *JobContext, abort bool) {
	if abort && j.run != nil {
		j.run.abort(j)
	}
	if w.rt.hasHooks {
		if perr := protect("AfterJob", "", func() { w.rt.hooks.AfterJob(j) }); perr != nil {
			w.rt.logPanic(perr, j)
		}
	}
}

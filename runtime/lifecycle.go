package runtime

import (
	"context"
	"sync"
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
	// ctx is Exec's context (nil for a default worker). Post checks it too:
	// the AfterFunc that marks the worker stopped runs asynchronously.
	ctx       context.Context
	stopWatch func() bool

	// Guarded by rt.liveMu.
	stopped bool
	live    int
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

func (w *worker) start() {
	w.startOnce.Do(func() { w.rt.hooks.WorkerStart(w.state) })
}

func (w *worker) stop() {
	w.stopOnce.Do(func() {
		w.start() // a worker that never started does not stop before it starts
		w.rt.hooks.WorkerStop(w.state)
	})
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
		w.stop()
	}
}

// count and finished run once when a job of w reaches a final status. They
// are the worker's, not the jobRun's: a job can be cancelled from outside
// while its jobRun goes quiet and is recycled.
func (w *worker) count(s JobStatus) { w.state.countStatus(s) }

func (w *worker) finished(j *JobContext) {
	if w.rt.hasHooks {
		w.rt.hooks.AfterJob(j)
	}
}

package runtime

import (
	"context"
	"fmt"
)

// Close is Shutdown(context.Background()): it stops accepting posts and
// waits for every job, however long that takes. Closing twice is harmless.
func (r *Runtime) Close() error { return r.Shutdown(context.Background()) }

// Shutdown stops accepting posts (they fail with ErrClosed) and waits for
// every job accepted so far on this node to finish (jobs it posted to a
// Backend run on elsewhere). If ctx ends first, it cancels the
// unfinished jobs (their error wraps ctx's cause, and their logic's
// context ends), waits for their running logic to return, and returns an
// error matching ctx.Err(). Either way it then stops the workers (WorkerStop
// runs) and the goroutine pool: when it returns, no goroutine of the
// runtime is left. A job never waits out a retry or throttle timer once it
// was cancelled.
//
// Logic that ignores its context's end holds Shutdown up for as long as it
// runs. Logic and hooks must not call Shutdown or Close, which would wait
// for them: called there, they fail at once instead, and close nothing. A
// second call waits like the first (its ctx, ending, cancels the jobs too)
// until the first call has stopped everything.
func (r *Runtime) Shutdown(ctx context.Context) error {
	if ctx == nil {
		return fmt.Errorf("runtime: shutdown: %w", errNilContext)
	}
	if r.closing == nil {
		return fmt.Errorf("runtime: shutdown: %w", errZeroRuntime)
	}
	if err := r.reentrant(ctx); err != nil {
		return fmt.Errorf("runtime: shutdown: %w", err)
	}
	first := r.markClosed()
	r.stopServingJobs()
	err := r.waitLocal(ctx)
	if err != nil {
		// Under a Backend the jobs cancelled here are handed back for
		// another node to run (see Node.Run), not failed.
		r.releasing.Store(true)
		r.cancelLive(fmt.Errorf("runtime shut down: %w", context.Cause(ctx)))
		_ = r.waitLocal(context.Background())
	}
	if first {
		r.stopEverything(ctx)
	} else {
		<-r.closing
	}
	if err != nil {
		return fmt.Errorf("runtime: shutdown: %w", err)
	}
	return nil
}

// markClosed makes every later post fail and reports whether this call
// closed the runtime.
func (r *Runtime) markClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	r.liveMu.Lock()
	r.closed = true
	r.liveMu.Unlock()
	return true
}

// cancelLive cancels every job not yet quiet with err.
func (r *Runtime) cancelLive(err error) {
	r.liveMu.Lock()
	jobs := make([]*JobContext, 0, r.live.n)
	for jr := r.live.head; jr != nil; jr = jr.nextLive {
		jobs = append(jobs, jr.job)
	}
	r.liveMu.Unlock()
	for _, j := range jobs {
		j.Cancel(err)
	}
}

// stopEverything is the first Shutdown's last steps, once no job is left:
// it closes the Backend, stops the workers and the pool, and lets later
// calls return. The steps are deferred so that each still runs if the
// one before calls runtime.Goexit (t.Fatal in a test's WorkerStop, or in
// a fake Backend's Close, ends the goroutine calling Close): the pool
// would be left running and every later Close would wait for ever.
func (r *Runtime) stopEverything(ctx context.Context) {
	defer close(r.closing)
	defer r.stopAll()
	// Within ctx too: what the Backend has not written by then is handed
	// back and runs again elsewhere.
	if err := r.closeBackend(ctx); err != nil {
		r.logRuntimeErr("backend close failed", err)
	}
}

// stopAll stops the workers, their throttle timers and the pool, once no
// job is left. The pool stops even if a WorkerStop hook calls
// runtime.Goexit.
func (r *Runtime) stopAll() {
	r.mu.Lock()
	ws := make([]*worker, 0, len(r.workers))
	for _, w := range r.workers {
		ws = append(ws, w)
	}
	p := r.pool.Load()
	r.mu.Unlock()
	if p != nil {
		defer p.close()
	}
	for _, w := range ws {
		if w.stopWatch != nil {
			w.stopWatch()
		}
		w.stopTimers()
	}
	for _, w := range ws {
		r.stopWorker(w) // WorkerStop: user code, last
	}
}

package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	goruntime "runtime"
	"sync"
	"sync/atomic"
)

// Runtime runs registered flows: it owns the workers, the jobs and a pool of
// goroutines that run logic. It is safe for concurrent use. Call Close when
// done with it. Make it with New: Register and Shutdown of a zero Runtime
// are errors.
//
// Lock order, for the runtime's own code: a goroutine that holds one of
// these locks takes only those listed after it, never one before.
//
//	Runtime.mu       the registry: flows and workers
//	Runtime.liveMu   the live jobs, workers' live counts, free jobRuns
//	jobRun.mu        one job's queues and activation counts
//	throttle.mu      one TimeInterval throttle (taken in tryFireLocked)
//	JobContext.mu    one job's status, data, trace and log
//
// pool.mu, WorkerState.mu and the cells' locks are leaves: nothing else is
// taken while one is held. No lock is held while user code (logic, a
// policy's func, a hook) runs, except jobRun.mu around a Custom policy.
type Runtime struct {
	nworkers   int
	traceLimit int
	logLimit   int
	hooks      Hooks
	hasHooks   bool
	logHandler slog.Handler
	ids        idSource
	clock      clock

	// pool is set once, on the first Post; Post reads it without mu.
	pool atomic.Pointer[pool]
	// lastTarget caches Post's lookup; see postTarget.
	lastTarget atomic.Pointer[postTarget]

	// mu guards the registry: flows and workers. Posts only read it.
	mu       sync.RWMutex
	flows    map[string]*plan
	workers  map[string]*worker
	defaults map[string]*worker
	// An Exec'd worker that stopped is forgotten (see forget): its id,
	// made by its plan's execIDs, tells it from an unknown one. dropped
	// holds the ids of Exec'd workers whose start panicked, which no Exec
	// returned, so that they stay unknown.
	dropped map[string]struct{}

	// liveMu guards the running jobs, apart from mu so that posting and
	// finishing jobs do not contend with the registry, and each plan's
	// free list of jobRuns: a post takes its jobRun, and a job's end gives
	// it back, in the hold that lists or unlists the job.
	liveMu sync.Mutex
	// live lists every job not yet quiet (intrusive, no hashing per job);
	// named holds those posted WithJobID, whose ids may collide.
	live  jobList
	named map[string]*jobRun
	// closed is written under both mu and liveMu, so either suffices to
	// read it.
	closed bool

	closing chan struct{} // closed when Close has finished

	// Under a Backend (see backend.go): remote holds the views of jobs
	// posted or looked up here until their outcome comes (guarded by
	// liveMu); serveCtx ends when the node stops taking jobs; releasing is
	// set when Shutdown's deadline hands running jobs back.
	backend     *backendCalls
	nodeID      string
	postOnly    bool
	remote      map[*JobContext]*remoteJob
	serveCtx    context.Context
	stopServing context.CancelFunc
	releasing   atomic.Bool
}

// Option configures a Runtime.
type Option func(*Runtime)

// WithWorkers sets how many activations run at once (the logic pool), for
// all workers together. n < 1 means runtime.GOMAXPROCS(0), the default.
func WithWorkers(n int) Option { return func(r *Runtime) { r.nworkers = n } }

// WithTraceLimit bounds each job's trace log (default DefaultTraceLimit).
func WithTraceLimit(n int) Option { return func(r *Runtime) { r.traceLimit = n } }

// WithLogLimit bounds each job's captured log (default DefaultLogLimit).
func WithLogLimit(n int) Option { return func(r *Runtime) { r.logLimit = n } }

// WithHooks installs hooks. nil means none.
func WithHooks(h Hooks) Option { return func(r *Runtime) { r.hooks = h } }

// WithLogger sets where job logs (Logger) and the runtime's own records go,
// besides each job's captured log. By default they go nowhere else. A
// panic in l's handler loses the record, not the process.
func WithLogger(l *slog.Logger) Option {
	return func(r *Runtime) {
		if l != nil {
			r.logHandler = guardedHandler{l.Handler()}
		}
	}
}

// New returns a runtime. It starts no goroutine until the first Post.
func New(opts ...Option) *Runtime {
	r := &Runtime{
		logHandler: slog.DiscardHandler,
		flows:      map[string]*plan{},
		workers:    map[string]*worker{},
		defaults:   map[string]*worker{},
		dropped:    map[string]struct{}{},
		named:      map[string]*jobRun{},
		closing:    make(chan struct{}),
	}
	r.ids.init()
	r.clock = newClock()
	for _, o := range opts {
		o(r)
	}
	if r.nworkers < 1 {
		r.nworkers = goruntime.GOMAXPROCS(0)
	}
	if r.traceLimit < 1 {
		r.traceLimit = DefaultTraceLimit
	}
	if r.logLimit < 1 {
		r.logLimit = DefaultLogLimit
	}
	r.traceLimit = min(r.traceLimit, math.MaxInt32)
	r.logLimit = min(r.logLimit, math.MaxInt32)
	if r.hooks == nil {
		r.hooks = NopHooks{}
	} else {
		r.hasHooks = true
	}
	if r.nodeID == "" {
		r.nodeID = r.ids.next()
	}
	if r.backend != nil {
		r.remote = map[*JobContext]*remoteJob{}
		r.serveCtx, r.stopServing = context.WithCancel(context.Background())
		r.backend.open(&Node{r: r})
	}
	return r
}

// Register freezes a copy of f and makes it runnable under f.ID().
func (r *Runtime) Register(f *Flow) error {
	if f == nil {
		return fmt.Errorf("runtime: register: nil flow")
	}
	if r.flows == nil {
		return fmt.Errorf("runtime: register %q: %w", f.id, errZeroRuntime)
	}
	p, err := f.compile()
	if err != nil {
		return err
	}
	if r.backend != nil && r.backend.openErr != nil {
		return fmt.Errorf("runtime: register %q: %w", f.id, r.backend.openErr)
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return fmt.Errorf("runtime: register %q: %w", f.id, ErrClosed)
	}
	if _, ok := r.flows[p.id]; ok {
		r.mu.Unlock()
		return fmt.Errorf("runtime: register: flow %q: %w", p.id, ErrDuplicate)
	}
	r.flows[p.id] = p
	r.mu.Unlock()
	if err := r.serveFlow(p.id); err != nil {
		r.mu.Lock()
		delete(r.flows, p.id)
		r.lastTarget.Store(nil)
		r.mu.Unlock()
		return err
	}
	return nil
}

// Exec starts a new worker for flowID and returns its state. The worker
// takes jobs posted with OnWorker(state.ID()) until ctx ends or the runtime
// closes; after that such posts fail with ErrWorkerStopped, and the jobs it
// already has run to their end. Once they have, the runtime drops its
// references to the worker (its state lives on only in the returned
// *WorkerState, for as long as the caller keeps it) and keeps nothing of
// it, not even its id: a service may Exec a worker per request or session.
// Under a Backend that waits, too, for a save (Node.SaveWorker) to have
// seen every write of the worker's jobs; posts and delivered jobs naming
// it then fail with ErrWorkerStopped.
func (r *Runtime) Exec(ctx context.Context, flowID string) (*WorkerState, error) {
	if ctx == nil {
		return nil, fmt.Errorf("runtime: exec %q: %w", flowID, errNilContext)
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, fmt.Errorf("runtime: exec %q: %w", flowID, ErrClosed)
	}
	p, ok := r.flows[flowID]
	if !ok {
		r.mu.Unlock()
		return nil, fmt.Errorf("runtime: exec: flow %q: %w", flowID, ErrUnknownFlow)
	}
	if r.postOnly {
		r.mu.Unlock()
		return nil, fmt.Errorf("runtime: exec %q: a post-only node runs no workers: %w", flowID, ErrClosed)
	}
	w := r.newWorkerLocked(p, p.execIDs.next())
	w.ctx = ctx
	w.stopWatch = context.AfterFunc(ctx, func() { r.stopWorker(w) })
	r.mu.Unlock()
	if err := r.serveWorker(ctx, w); err != nil {
		r.stopWorker(w)
		return nil, err
	}
	if err := w.start(); err != nil {
		r.dropWorker(w)
		return nil, fmt.Errorf("runtime: exec %q: %w", flowID, err)
	}
	return w.state, nil
}

// Workers returns the states of the workers of flowID that have not stopped,
// the flow's default worker included once started.
func (r *Runtime) Workers(flowID string) []*WorkerState {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.liveMu.Lock()
	defer r.liveMu.Unlock()
	var out []*WorkerState
	for _, w := range r.workers {
		if w.plan.id == flowID && !w.stopped && (w.ctx == nil || w.ctx.Err() == nil) {
			out = append(out, w.state)
		}
	}
	return out
}

// Job returns the job with this id if it is still running (or its last
// activations are still returning).
func (r *Runtime) Job(id string) (*JobContext, bool) {
	r.liveMu.Lock()
	defer r.liveMu.Unlock()
	jr, ok := r.named[id]
	for e := r.live.head; e != nil && !ok; e = e.nextLive {
		jr, ok = e, e.job.ID() == id
	}
	if !ok {
		return nil, false
	}
	return jr.job, true
}

// Wait blocks until every job posted before the call has finished and its
// activations have returned, or ctx ends (then it returns ctx.Err()). Jobs'
// failures are not Wait's error: see each JobContext. Logic and hooks
// must not call it (it would wait for their own job): called there, it
// fails at once instead.
func (r *Runtime) Wait(ctx context.Context) error {
	if ctx == nil {
		return fmt.Errorf("runtime: wait: %w", errNilContext)
	}
	if err := r.reentrant(ctx); err != nil {
		return fmt.Errorf("runtime: wait: %w", err)
	}
	if err := r.waitLocal(ctx); err != nil {
		return err
	}
	return r.waitRemote(ctx)
}

// runningIn returns the activation of r whose logic (or a hook it runs)
// ctx belongs to, while it runs: a Wait or Shutdown called there would
// wait for the activation's own job, that is for itself.
func (r *Runtime) runningIn(ctx context.Context) *activation {
	ec := execOf(ctx)
	if ec == nil || ec.act == nil || ec.act.done() || ec.act.jr().rt != r {
		return nil
	}
	return ec.act
}

// reentrant is the error of Wait or Shutdown called from logic or a hook,
// which they would wait for: with the logic's ctx (or one derived from
// it), or on one of the pool's goroutines whatever the ctx (Close has
// none; a hook gets none; and Shutdown stops the pool, which waits for
// every goroutine of the pool, the caller's too).
func (r *Runtime) reentrant(ctx context.Context) error {
	if a := r.runningIn(ctx); a != nil {
		return waitsForItsJob(a)
	}
	if p := r.pool.Load(); p != nil && p.onPool() {
		return fmt.Errorf("called on a goroutine of the runtime's pool, from logic or a hook: %w", errReentrant)
	}
	return nil
}

// waitsForItsJob is the error of a call from a's logic that would wait for
// a's own job, which cannot end while that logic runs.
func waitsForItsJob(a *activation) error {
	return fmt.Errorf("called from the logic of routine %q, whose job %q it would wait for: %w", a.n.id, a.ec.Job.ID(), errReentrant)
}

// waitLocal waits for the jobs running on this node.
func (r *Runtime) waitLocal(ctx context.Context) error {
	r.liveMu.Lock()
	type snap struct {
		jr  *jobRun
		gen uint64
	}
	pending := make([]snap, 0, r.live.n)
	for jr := r.live.head; jr != nil; jr = jr.nextLive {
		pending = append(pending, snap{jr, jr.gen})
	}
	r.liveMu.Unlock()
	for _, s := range pending {
		q := s.jr.quietWait(s.gen)
		if q == nil {
			continue
		}
		select {
		case <-q:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// jobList is a doubly linked list of jobRuns.
type jobList struct {
	head *jobRun
	n    int
}

func (l *jobList) push(jr *jobRun) {
	jr.nextLive = l.head
	if l.head != nil {
		l.head.prevLive = jr
	}
	l.head = jr
	l.n++
}

func (l *jobList) remove(jr *jobRun) {
	if jr.prevLive != nil {
		jr.prevLive.nextLive = jr.nextLive
	} else {
		l.head = jr.nextLive
	}
	if jr.nextLive != nil {
		jr.nextLive.prevLive = jr.prevLive
	}
	jr.prevLive, jr.nextLive = nil, nil
	l.n--
}

func (r *Runtime) unlistLocked(jr *jobRun) {
	r.live.remove(jr)
	if jr.named {
		delete(r.named, jr.job.ID())
	}
}

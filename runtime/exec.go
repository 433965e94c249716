package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
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

func (r *Runtime) newWorkerLocked(p *plan) *worker {
	ids := make([]string, len(p.nodes))
	for i, n := range p.nodes {
		ids[i] = n.id
	}
	w := &worker{rt: r, plan: p, state: newRuntimeWorkerState(r.ids.next(), p.id, ids), throttles: make([]*throttle, len(p.nodes))}
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

// jobRun is the scheduling state of one job on its worker: a queue per slot
// of every routine instance, and the count of work that keeps the job alive.
//
// A jobRun is recycled (see plan.runs) once its job is quiet: stale
// references to it (an activation's ctx kept past its logic, a Wait
// snapshot) only read rt, which never changes, or check gen.
type jobRun struct {
	rt   *Runtime // fixed for the life of the object, across jobs
	pool *pool
	w    *worker
	job  *JobContext
	gen  uint64 // bumped on every reuse; guarded by mu

	mu       sync.Mutex
	insts    []instState
	instsBuf [3]instState // insts of small flows
	// quiet is set once the job finished and no work is left; quietCh,
	// made only when Runtime.Wait asks, is closed then.
	quiet   bool
	quietCh chan struct{}
	settled bool // settleLocked found no work left
	// active counts scheduled or running activations and armed throttle
	// waits. Queued messages that no policy will fire do not count: when
	// active drops to 0 the job is over.
	active int

	// Guarded by rt.liveMu.
	prevLive, nextLive *jobRun
	named              bool
}

type instState struct {
	q       []slotQueue  // this instance's part of the job's queues
	q1      [1]slotQueue // q of a one-slot routine, the common case
	running bool         // an activation of this instance for this job is under way
	waiting bool         // queued on the throttle
	granted bool         // the throttle let it go: fire without asking again
}

// slotQueue holds the messages of one slot of one (instance, job). Most
// slots hold one message at a time, so it starts out in one, inline.
type slotQueue struct {
	msgs []Message
	one  [1]Message
}

func newJobRun(r *Runtime, w *worker, id string, metadata Message) *jobRun {
	p := w.plan
	job := new(JobContext)
	job.init(id, p.id, w.state.id, metadata, r.traceLimit)
	job.logLimit = int32(r.logLimit)
	job.owner = w
	if !r.hasHooks {
		job.status = JobRunning // nobody has seen it yet: no lock needed
	}
	if jr, ok := p.runs.Get().(*jobRun); ok {
		// Recycled: its queues are empty and its flags clear (see recycle);
		// gen was bumped there.
		jr.mu.Lock() // a stale emit may be looking at jr.job (see enqueue)
		jr.w, jr.job = w, job
		jr.mu.Unlock()
		return jr
	}
	jr := &jobRun{rt: r, w: w, job: job}
	if len(p.nodes) <= len(jr.instsBuf) {
		jr.insts = jr.instsBuf[:len(p.nodes)]
	} else {
		jr.insts = make([]instState, len(p.nodes))
	}
	var queues []slotQueue
	if p.multiSlot {
		queues = make([]slotQueue, p.nslots)
	}
	for i, n := range p.nodes {
		st := &jr.insts[i]
		switch k := len(n.def.slots); k {
		case 0:
		case 1:
			st.q = st.q1[:]
		default:
			st.q = queues[n.slotOff : n.slotOff+k : n.slotOff+k]
		}
		for j := range st.q {
			st.q[j].reset()
		}
	}
	return jr
}

// quietWait returns a channel closed once the job of generation gen is
// quiet, nil if it is (or jr has moved on to another job since).
func (jr *jobRun) quietWait(gen uint64) <-chan struct{} {
	jr.mu.Lock()
	defer jr.mu.Unlock()
	if jr.quiet || jr.gen != gen {
		return nil
	}
	if jr.quietCh == nil {
		jr.quietCh = make(chan struct{})
	}
	return jr.quietCh
}

func (jr *jobRun) setQuiet() {
	jr.mu.Lock()
	jr.quiet = true
	ch := jr.quietCh
	jr.mu.Unlock()
	if ch != nil {
		close(ch)
	}
}

func (jr *jobRun) dead() bool { return jr.job.finished.Load() }

// count and finished run once when a job of w reaches a final status. They
// are the worker's, not the jobRun's: a job can be cancelled from outside
// while its jobRun goes quiet and is recycled.
func (w *worker) count(s JobStatus) { w.state.countStatus(s) }

func (w *worker) finished(j *JobContext) {
	if w.rt.hasHooks {
		w.rt.hooks.AfterJob(j)
	}
}

// post queues the job's first message and settles the job if no policy
// fires on it.
func (jr *jobRun) post(n *node, slot int, msg Message) {
	jr.mu.Lock()
	a := jr.enqueueLocked(n, slot, msg)
	complete, quiet := jr.settleLocked()
	jr.mu.Unlock()
	jr.after(a, complete, quiet)
}

// enqueue queues msg for job and returns the activation it made ready, if
// any, for the caller to run or submit. An emit that raced its
// activation's end may come after jr moved on to another job: job keeps it
// out (JobContexts are never reused).
func (jr *jobRun) enqueue(job *JobContext, n *node, slot int, msg Message) *activation {
	jr.mu.Lock()
	var a *activation
	if jr.job == job {
		a = jr.enqueueLocked(n, slot, msg)
	}
	jr.mu.Unlock()
	return a
}

func (jr *jobRun) enqueueLocked(n *node, slot int, msg Message) *activation {
	if jr.dead() {
		return nil
	}
	st := &jr.insts[n.idx]
	st.q[slot].msgs = append(st.q[slot].msgs, msg)
	return jr.tryFireLocked(n, st)
}

// tryFireLocked starts an activation of n if its policy says so and none is
// under way for this job, so activations of one instance for one job never
// overlap.
func (jr *jobRun) tryFireLocked(n *node, st *instState) *activation {
	if st.running || st.waiting || len(st.q) == 0 {
		return nil
	}
	if jr.dead() {
		for i := range st.q {
			st.q[i].reset()
		}
		st.granted = false
		return nil
	}
	ok, batch := n.def.policy.ready(&n.def, st.q)
	if !ok {
		return nil
	}
	if n.def.policy.kind == policyInterval {
		if st.granted {
			st.granted = false
		} else if !jr.w.throttles[n.idx].acquire(jr, n) {
			st.waiting = true
			jr.active++
			return nil
		}
	}
	a := &activation{jr: jr, n: n}
	a.in.def = &n.def
	var ones []Message // where single messages of a multi-slot input go
	switch k := len(st.q); {
	case k == 1:
		a.in.msgs = a.slots1[:]
	case k <= len(multiInput{}.one):
		mi := new(multiInput)
		a.in.msgs, ones = mi.slots[:k:k], mi.one[:k:k]
	default:
		a.in.msgs = make([][]Message, k)
	}
	for i := range st.q {
		sq := &st.q[i]
		m := sq.msgs
		switch {
		case len(m) == 0:
		case len(m) == 1:
			// Copy the message out so the queue keeps its inline space.
			if len(st.q) == 1 {
				a.one1[0] = m[0]
				a.in.msgs[i] = a.one1[:1:1]
			} else {
				if ones == nil {
					ones = make([]Message, len(st.q))
				}
				ones[i] = m[0]
				a.in.msgs[i] = ones[i : i+1 : i+1]
			}
			sq.reset()
		case batch == 0 || len(m) <= batch:
			a.in.msgs[i] = m
			sq.msgs = sq.one[:0:1]
		default:
			a.in.msgs[i], sq.msgs = m[:batch:batch], m[batch:]
		}
	}
	st.running = true
	jr.active++
	a.ec = ExecContext{RoutineID: n.id, FlowID: jr.w.plan.id, Job: jr.job, Worker: jr.w.state, act: a}
	return a
}

func (sq *slotQueue) reset() {
	sq.one[0] = nil
	sq.msgs = sq.one[:0:1]
}

// settleLocked ends the job when no work is left: it completes (unless it
// already finished) and is quiet. Messages no policy will consume are
// dropped and traced.
func (jr *jobRun) settleLocked() (complete, quiet bool) {
	if jr.active > 0 || jr.settled {
		return false, false
	}
	jr.settled = true
	dead := jr.dead()
	for i := range jr.insts {
		st := &jr.insts[i]
		for s := range st.q {
			if m := st.q[s].msgs; len(m) > 0 {
				if !dead {
					n := jr.w.plan.nodes[i]
					jr.job.Trace(n.id, "dropped", Message{"slot": n.def.slotNames[s], "count": len(m), "policy": n.def.policy.String()})
				}
				clear(m)
				st.q[s].reset()
			}
		}
	}
	return !dead, true
}

// after does, outside jr.mu, what a scheduling step decided.
func (jr *jobRun) after(a *activation, complete, quiet bool) {
	if a != nil {
		jr.pool.submit(a)
	}
	if complete {
		jr.job.Complete()
	}
	if quiet {
		r := jr.rt
		r.liveMu.Lock()
		r.unlistLocked(jr)
		w := jr.w
		w.live--
		stop := w.stopped && w.live == 0
		r.liveMu.Unlock()
		jr.setQuiet() // last: Wait returns only after Complete
		if stop {
			w.stop()
		}
		jr.recycle()
	}
}

// recycle readies a quiet jobRun for another job of the same plan. Nothing
// of the runtime refers to it any more: it is off the live list, no
// activation, timer or queue entry of its job is left.
func (jr *jobRun) recycle() {
	jr.mu.Lock()
	jr.gen++
	jr.quiet, jr.quietCh, jr.settled, jr.active = false, nil, false, 0
	jr.named = false
	for i := range jr.insts {
		st := &jr.insts[i]
		st.running, st.waiting, st.granted = false, false, false
	}
	p := jr.w.plan
	jr.job, jr.w = nil, nil
	jr.mu.Unlock()
	p.runs.Put(jr)
}

// activation is one run of a routine instance's logic for one job. It is
// also the context.Context the logic sees, which saves a context.WithValue
// and an ExecContext allocation per activation.
type activation struct {
	jr      *jobRun
	n       *node
	in      Input
	ec      ExecContext
	attempt int32
	done    atomic.Bool
	// next is an activation this one's emits made ready, run next on the
	// same pool goroutine: no queueing, no wake-up, warm caches.
	next atomic.Pointer[activation]
	// Inline space for the input of a one-slot routine with one message.
	slots1 [1][]Message
	one1   [1]Message
}

// multiInput is the input space of an activation of a routine with two or
// three slots, made in one allocation instead of one for the slice of slots
// and one per slot that holds a single message.
type multiInput struct {
	slots [3][]Message
	one   [3]Message
}

func (a *activation) Deadline() (time.Time, bool) { return time.Time{}, false }
func (a *activation) Done() <-chan struct{}       { return nil }
func (a *activation) Err() error                  { return nil }
func (a *activation) Value(key any) any {
	if key == (execKey{}) {
		return &a.ec
	}
	if base := a.ec.Job.base; base != nil {
		return base.Value(key)
	}
	return nil
}
func (a *activation) String() string { return "runtime.activation(" + a.n.id + ")" }

// PanicError is the error of a job whose logic panicked.
type PanicError struct {
	RoutineID string
	Value     any
	Stack     []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("runtime: routine %q panicked: %v\n\n%s", e.RoutineID, e.Value, e.Stack)
}

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

func (a *activation) call() (err error, panicked bool) {
	defer func() {
		if v := recover(); v != nil {
			err, panicked = &PanicError{RoutineID: a.n.id, Value: v, Stack: debug.Stack()}, true
		}
	}()
	if a.jr.rt.hasHooks {
		if err := a.jr.rt.hooks.BeforeRoutine(a); err != nil {
			return &VetoError{Hook: "BeforeRoutine", What: "routine " + a.n.id, Err: err}, false
		}
	}
	return a.n.def.logic(a, a.in), false
}

// run executes one attempt of a on a pool goroutine and, unless it is
// retried later, ends the activation. It returns an activation for the same
// goroutine to run next, if there is one.
func (r *Runtime) run(a *activation) *activation {
	jr, n := a.jr, a.n
	var err error
	if !jr.dead() {
		ws := jr.w.state
		var panicked bool
		err, panicked = a.call()
		status := RoutineIdle
		switch {
		case err == nil:
		case panicked:
			status = RoutineFailed
			jr.job.Trace(n.id, "panic", Message{"error": fmt.Sprint(err.(*PanicError).Value)})
			r.logErr(a, "routine panicked", err)
			jr.job.Fail(err)
		default:
			h := &n.handler
			switch h.Strategy {
			case Retry:
				if int(a.attempt) < h.MaxRetries {
					a.attempt++
					d := h.RetryDelay(int(a.attempt))
					jr.job.Trace(n.id, "retry", Message{"error": err.Error(), "attempt": int(a.attempt), "delay": d})
					r.logErr(a, "routine failed, retrying", err)
					// What the failed attempt emitted must not wait for the retry.
					if ready := a.next.Swap(nil); ready != nil {
						jr.pool.submit(ready)
					}
					if d <= 0 {
						return a
					}
					time.AfterFunc(d, func() { jr.pool.submit(a) })
					return nil
				}
				err = fmt.Errorf("runtime: routine %q: giving up after %d retries: %w", n.id, h.MaxRetries, err)
				status = RoutineFailed
				jr.job.Trace(n.id, "failed", Message{"error": err.Error()})
				r.logErr(a, "routine failed", err)
				jr.job.Fail(err)
			case Continue:
				jr.job.Trace(n.id, "error", Message{"error": err.Error(), "strategy": "continue"})
				r.logErr(a, "routine error, continuing", err)
			case Skip:
				status = RoutineSkipped
				jr.job.Trace(n.id, "skipped", Message{"error": err.Error()})
				r.logErr(a, "routine error, skipped", err)
			default:
				err = fmt.Errorf("runtime: routine %q: %w", n.id, err)
				status = RoutineFailed
				jr.job.Trace(n.id, "failed", Message{"error": err.Error()})
				r.logErr(a, "routine failed", err)
				jr.job.Fail(err)
			}
		}
		ws.activationEnded(n.idx, status)
		if r.hasHooks {
			r.hooks.AfterRoutine(a, err)
		}
	}
	a.done.Store(true)
	local := a.next.Swap(nil) // after done: see Emit

	st := &jr.insts[n.idx]
	jr.mu.Lock()
	st.running = false
	jr.active--
	again := jr.tryFireLocked(n, st)
	complete, quiet := jr.settleLocked()
	jr.mu.Unlock()
	if local == nil {
		local, again = again, nil
	}
	jr.after(again, complete, quiet)
	return local
}

func (r *Runtime) logErr(a *activation, msg string, err error) {
	h := newJobHandler(r.logHandler, a.jr.job, a.n.id)
	level := slog.LevelWarn
	if a.jr.dead() {
		level = slog.LevelError
	}
	slog.New(h).Log(context.Background(), level, msg, slog.String("error", err.Error()), slog.Int("attempt", int(a.attempt)))
}

// Emit delivers payload to every slot connected to event of the routine
// instance running in ctx, under the same job. Outside logic it returns an
// error wrapping ErrNoRoutine; for an event the routine does not declare,
// one wrapping ErrUnknownEvent. An event with no connection goes nowhere.
// A BeforeEnqueue veto keeps the message from that one slot; the error is
// returned. payload is shared by every receiver: do not modify it after
// Emit, and receivers must not modify it either. Emits of a job that already
// finished are dropped.
func Emit(ctx context.Context, event string, payload Message) error {
	ec := execOf(ctx)
	if ec == nil || ec.act == nil {
		return fmt.Errorf("runtime: emit %q: %w", event, ErrNoRoutine)
	}
	a := ec.act
	if a.done.Load() {
		return fmt.Errorf("runtime: emit %q after routine %q returned: %w", event, a.n.id, ErrNoRoutine)
	}
	targets, ok := a.n.targets(event)
	if !ok {
		return fmt.Errorf("runtime: emit: routine %q has no event %q: %w", a.n.id, event, ErrUnknownEvent)
	}
	r := a.jr.rt
	if !r.hasHooks {
		for _, t := range targets {
			a.handOff(a.jr.enqueue(a.ec.Job, t.node, t.slot, payload))
		}
		return nil
	}
	r.hooks.OnEmit(a, event, payload)
	var errs []error
	for _, t := range targets {
		if err := r.hooks.BeforeEnqueue(a, t.node.id, t.node.def.slotNames[t.slot], payload); err != nil {
			errs = append(errs, &VetoError{Hook: "BeforeEnqueue", What: fmt.Sprintf("emit %q to %s.%s", event, t.node.id, t.node.def.slotNames[t.slot]), Err: err})
			continue
		}
		a.handOff(a.jr.enqueue(a.ec.Job, t.node, t.slot, payload))
	}
	return errors.Join(errs...)
}

// handOff keeps ready for the goroutine running a to run next, or submits
// it to the pool when a goroutine is idle or that slot is taken. A
// goroutine that goes idle steals kept activations, so logic that runs long
// after it emitted does not hold its downstream back. Emit may run on a
// goroutine of the logic's own while a ends: run sets done before it takes
// next, and handOff takes ready back after done is set; ownership always
// passes by CAS or Swap on next, so exactly one party runs ready.
func (a *activation) handOff(ready *activation) {
	if ready == nil {
		return
	}
	// With a goroutine idle, running ready there now beats waiting for a
	// to return.
	p := a.jr.pool
	if p.idleHint.Load() == 0 && a.next.CompareAndSwap(nil, ready) {
		// Taken back if a returned meanwhile, or if a goroutine went idle
		// meanwhile (it may have looked for work to steal before the CAS).
		if (!a.done.Load() && p.idleHint.Load() == 0) || !a.next.CompareAndSwap(ready, nil) {
			return
		}
	}
	p.submit(ready)
}

// throttle spaces the activations of one routine instance on one worker by
// at least d, across jobs. Jobs that must wait queue here, in order, and a
// timer lets the next one go when the interval is over.
type throttle struct {
	d       time.Duration
	mu      sync.Mutex
	next    time.Time
	waiting []throttled
	timer   *time.Timer
	armed   bool
}

type throttled struct {
	jr *jobRun
	n  *node
}

// acquire reports whether jr may fire n now; if not, jr is queued and will
// be granted by the timer. Called with jr.mu held (lock order: jr.mu, then
// throttle.mu; the timer never holds throttle.mu while taking jr.mu).
func (t *throttle) acquire(jr *jobRun, n *node) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if len(t.waiting) == 0 && !now.Before(t.next) {
		t.next = now.Add(t.d)
		return true
	}
	t.waiting = append(t.waiting, throttled{jr, n})
	if !t.armed {
		t.arm(t.next.Sub(now))
	}
	return false
}

func (t *throttle) arm(d time.Duration) {
	t.armed = true
	if t.timer == nil {
		t.timer = time.AfterFunc(d, t.fire)
	} else {
		t.timer.Reset(d)
	}
}

func (t *throttle) fire() {
	t.mu.Lock()
	if len(t.waiting) == 0 {
		t.armed = false
		t.mu.Unlock()
		return
	}
	w := t.waiting[0]
	t.waiting[0] = throttled{}
	t.waiting = t.waiting[1:]
	t.next = time.Now().Add(t.d)
	t.armed = false
	if len(t.waiting) > 0 {
		t.arm(t.d)
	}
	t.mu.Unlock()

	jr := w.jr
	st := &jr.insts[w.n.idx]
	jr.mu.Lock()
	st.waiting = false
	st.granted = true
	jr.active--
	a := jr.tryFireLocked(w.n, st)
	st.granted = false
	complete, quiet := jr.settleLocked()
	jr.mu.Unlock()
	jr.after(a, complete, quiet)
}

// pool runs activations on a fixed number of goroutines, from one FIFO.
// submit never blocks (logic emitting downstream must not wait for a free
// goroutine, or a busy pool would deadlock on itself); Post from outside
// the pool waits for room instead, so a burst of posts cannot pile up
// without bound.
type pool struct {
	r     *Runtime
	limit int // queue length above which outside posts wait

	mu     sync.Mutex
	q      []*activation
	head   int
	idle   int
	closed bool
	// idleHint mirrors idle for handOff, which reads it without mu.
	idleHint atomic.Int32
	// qlen mirrors len(q)-head for waitRoom's lock-free fast path.
	qlen atomic.Int32
	// cur[i] is the activation goroutine i runs, for steal. Padded: each
	// goroutine writes its own twice per activation.
	cur  []curSlot
	room chan struct{} // closed when the queue drains below limit/2
	wake chan struct{}
	wg   sync.WaitGroup
}

// maxLocalRuns bounds how many activations one pool goroutine runs in a row
// by hand-off before it goes back to the queue, so a job that loops does
// not keep queued jobs waiting.
const maxLocalRuns = 64

func newPool(r *Runtime, n int) *pool {
	p := &pool{r: r, limit: max(256, 64*n), wake: make(chan struct{}, n)}
	p.wg.Add(n)
	p.cur = make([]curSlot, n)
	for i := range n {
		go p.loop(i)
	}
	return p
}

func (p *pool) loop(self int) {
	defer p.wg.Done()
	for {
		a := p.pop()
		if a == nil {
			return
		}
		for i := 0; a != nil; i++ {
			if i == maxLocalRuns {
				p.submit(a)
				break
			}
			p.cur[self].a.Store(a)
			a = p.r.run(a)
			p.cur[self].a.Store(nil)
		}
	}
}

type curSlot struct {
	a atomic.Pointer[activation]
	_ [56]byte // a cache line of its own
}

// steal takes an activation kept for hand-off by a running one.
func (p *pool) steal() *activation {
	for i := range p.cur {
		if c := p.cur[i].a.Load(); c != nil {
			if n := c.next.Swap(nil); n != nil {
				return n
			}
		}
	}
	return nil
}

func (p *pool) pop() *activation {
	p.mu.Lock()
	for p.head == len(p.q) {
		if p.closed {
			p.mu.Unlock()
			return nil
		}
		p.idle++
		p.idleHint.Store(int32(p.idle))
		p.mu.Unlock()
		if a := p.steal(); a != nil {
			p.mu.Lock()
			if p.idle > 0 {
				// Not idle after all: undo the count.
				p.idle--
				p.idleHint.Store(int32(p.idle))
				p.mu.Unlock()
				return a
			}
			// A submit already spent the count on a wake-up, and any idle
			// goroutine may take that wake-up, not necessarily this one:
			// waiting for it while holding a could wait for the next
			// submit, which may never come (a's job would hang). Queue a
			// and wait like every idle goroutine: whoever wakes runs it.
			p.q = append(p.q, a)
			p.qlen.Store(int32(len(p.q) - p.head))
			p.mu.Unlock()
		}
		<-p.wake
		p.mu.Lock()
	}
	a := p.q[p.head]
	p.q[p.head] = nil
	p.head++
	if p.head == len(p.q) {
		p.q, p.head = p.q[:0], 0
	} else if p.head > 1024 && p.head*2 > len(p.q) {
		n := copy(p.q, p.q[p.head:])
		clear(p.q[n:])
		p.q, p.head = p.q[:n], 0
	}
	p.qlen.Store(int32(len(p.q) - p.head))
	if p.room != nil && len(p.q)-p.head < p.limit/2 {
		close(p.room)
		p.room = nil
	}
	p.mu.Unlock()
	return a
}

func (p *pool) submit(a *activation) {
	p.mu.Lock()
	p.q = append(p.q, a)
	p.qlen.Store(int32(len(p.q) - p.head))
	wake := p.idle > 0
	if wake {
		p.idle--
		p.idleHint.Store(int32(p.idle))
	}
	p.mu.Unlock()
	if wake {
		p.wake <- struct{}{}
	}
}

// waitRoom blocks while the queue is over its limit, or until ctx ends.
func (p *pool) waitRoom(ctx context.Context) error {
	if int(p.qlen.Load()) < p.limit {
		return nil
	}
	p.mu.Lock()
	for len(p.q)-p.head >= p.limit && !p.closed {
		if p.room == nil {
			p.room = make(chan struct{})
		}
		room := p.room
		p.mu.Unlock()
		select {
		case <-room:
		case <-ctx.Done():
			return ctx.Err()
		}
		p.mu.Lock()
	}
	p.mu.Unlock()
	return nil
}

func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = 0
	if p.room != nil {
		close(p.room)
		p.room = nil
	}
	p.mu.Unlock()
	for range idle {
		p.wake <- struct{}{}
	}
	p.wg.Wait()
}

package runtime

import (
	"fmt"
	"sync"
	"time"
)

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
	gen  uint64 // bumped on every reuse; guarded by rt.liveMu
	// block is where job and its first activations were allocated.
	block *jobBlock

	mu       sync.Mutex
	insts    []instState
	instsBuf [3]instState // insts of small flows
	settled  bool         // settleLocked found no work left; until reuse
	// active counts scheduled or running activations (those waiting for a
	// retry included), armed throttle waits and a post under way. Queued messages that no
	// policy will fire do not count: when active drops to 0 the job is over.
	active int
	// fault is a Custom policy's panic, caught under mu by tryFireLocked:
	// endLocked fails the job with it (post returns it instead).
	fault *PanicError

	// Guarded by rt.liveMu. quietCh, made only when Runtime.Wait asks, is
	// closed once the job finished, no work is left and it is off the live
	// list: then gen moves on and jr is recycled.
	prevLive, nextLive *jobRun
	named              bool
	quietCh            chan struct{}

	// attempt is ExecContext.Attempt (0 means 1); onQuiet, set for a job a
	// Backend delivered, is told once the job is quiet (see Node.Run).
	attempt int
	onQuiet func(*JobContext)
}

type instState struct {
	q       []slotQueue  // this instance's part of the job's queues
	q1      [1]slotQueue // q of a one-slot routine, the common case
	running bool         // an activation of this instance for this job is under way
	waiting bool         // queued on the throttle
	granted bool         // the throttle let it go: fire without asking again
	retry   *retryWait   // a failed attempt waiting for its retry
	inBlock bool         // the job's block activation of this instance is spent
	retries int32        // see activation.retries
}

// retryWait is an activation waiting out its retry delay. Whoever takes it
// off its instState under jr.mu, the timer or the job's end (abortLocked),
// submits the activation; run skips the logic of a job that ended.
type retryWait struct {
	a *activation
	t *time.Timer
}

// jobBlock is what the runtime allocates for a job in one piece: the
// JobContext its poster keeps, and the first activation of each of the
// first routine instances, which in a linear flow are all the activations
// the job has. An activation is never reused (logic may keep its ctx past
// its return, see Emit), so each slot of acts serves once; later
// activations of an instance come from the heap. The price is that a
// JobContext kept after its job ended keeps these activations, and their
// input, with it.
type jobBlock struct {
	job  JobContext
	acts [blockActs]activation
}

const blockActs = 3

// newActivationLocked returns a fresh activation of n for jr's job.
func (jr *jobRun) newActivationLocked(n *node, st *instState) *activation {
	var a *activation
	if n.idx < blockActs && !st.inBlock {
		st.inBlock = true
		a = &jr.block.acts[n.idx]
	} else {
		a = new(activation)
	}
	a.n = n
	return a
}

// slotQueue holds the messages of one slot of one (instance, job): Messages
// of an untyped slot, boxed values (see box) of a typed one. Most slots hold
// one message at a time, so it starts out in one, inline.
type slotQueue struct {
	msgs []any
	one  [1]any
}

// newJobBlock makes a job of w, not yet on any list: its JobContext and
// the first activations it will need, in one allocation.
func newJobBlock(r *Runtime, w *worker, id string, metadata Message) *jobBlock {
	blk := new(jobBlock)
	job := &blk.job
	job.owner = w
	job.init(id, w.plan.id, metadata)
	if !r.hasHooks {
		job.status = int32(JobRunning) // nobody has seen it yet: no lock needed
	}
	return blk
}

// runLocked gives the job of blk its scheduling state: a jobRun of w's
// plan recycled by retire, else a new one. r.liveMu must be held: it
// guards the plan's free list, and a recycled jobRun takes its new job here
// without jr.mu. Nothing reads jr's job fields under jr.mu alone once its
// job is over: an emit that raced its job's end checks its own job first
// (see enqueue), and abort holds r.liveMu too.
func (r *Runtime) runLocked(w *worker, blk *jobBlock) *jobRun {
	p := w.plan
	jr := p.runs.get()
	if jr == nil {
		jr = newJobRun(r, p)
	}
	// A recycled jobRun's queues are empty and its flags clear (see
	// recycleLocked); gen was bumped there.
	jr.w, jr.job, jr.block = w, &blk.job, blk
	jr.active = 1 // held for the post: see post
	jr.settled = false
	blk.job.run = jr
	return jr
}

func newJobRun(r *Runtime, p *plan) *jobRun {
	jr := &jobRun{rt: r}
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
	jr.rt.liveMu.Lock()
	defer jr.rt.liveMu.Unlock()
	if jr.gen != gen { // quiet, and recycled
		return nil
	}
	if jr.quietCh == nil {
		jr.quietCh = make(chan struct{})
	}
	return jr.quietCh
}

func (jr *jobRun) dead() bool { return jr.job.finished.Load() }

// post queues the job's first message and settles the job if no policy
// fires on it. A Custom policy that panics on that message is post's error,
// and the job is retired as if it never was: Post returns no job.
func (jr *jobRun) post(n *node, slot int, msg any) error {
	jr.mu.Lock()
	a := jr.enqueueLocked(n, slot, msg)
	// A new job holds one unit of active from newJobRun to here, so that
	// if it ends meanwhile (its timeout, Shutdown, Cancel of a job found
	// with Runtime.Job) its end does not retire it under its poster.
	jr.active--
	if perr := jr.fault; perr != nil {
		jr.fault = nil
		jr.dropQueuesLocked()
		jr.mu.Unlock()
		jr.retire()
		return perr
	}
	e := jr.endLocked()
	jr.mu.Unlock()
	jr.finishStep(e, a)
	return nil
}

// enqueue queues msg for job and returns the activation it made ready, if
// any, for the caller to run or submit, and false when job has ended and
// took nothing. An emit that raced its
// activation's end may come after jr moved on to another job: its own job
// has finished then (a job finishes before its jobRun is recycled, and
// jr.mu orders the two), so checking job, not jr.job, keeps it out. One
// that comes after the job settled, but before it completed, finds it
// settled: the job is over, and the message goes nowhere (jr.settled is
// read only once job is known not finished, so jr is still job's).
func (jr *jobRun) enqueue(job *JobContext, n *node, slot int, msg any) (*activation, bool) {
	jr.mu.Lock()
	if job.finished.Load() || jr.settled {
		jr.mu.Unlock()
		return nil, false
	}
	a := jr.enqueueLocked(n, slot, msg)
	e := jr.endLocked()
	jr.mu.Unlock()
	jr.finishStep(e, nil)
	return a, true
}

func (jr *jobRun) enqueueLocked(n *node, slot int, msg any) *activation {
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
	ok, batch, perr := n.def.policy.ready(&n.def, st.q)
	if perr != nil {
		if jr.fault == nil {
			perr.RoutineID = n.id
			jr.fault = perr
		}
		return nil
	}
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
	a := jr.newActivationLocked(n, st)
	a.slots = n.def.input(st.q, batch, a)
	st.running, st.retries = true, 0
	jr.active++
	a.ec = ExecContext{RoutineID: n.id, FlowID: jr.w.plan.id, Job: jr.job, Worker: jr.w.state, Attempt: max(jr.attempt, 1), act: a}
	return a
}

func (sq *slotQueue) reset() {
	sq.one[0] = nil
	sq.msgs = sq.one[:0:1]
}

// settleLocked ends the job when no work is left: it completes (unless it
// already finished) and is quiet. Messages no policy will consume are
// dropped: traced, listed in JobContext.Dropped, and, when the flow says
// DropFail, they fail the job (failed is then set).
func (jr *jobRun) settleLocked() (complete, quiet, failed bool) {
	if jr.active > 0 || jr.settled {
		return false, false, false
	}
	jr.settled = true
	dead := jr.dead()
	var drops []Drop
	for i := range jr.insts {
		st := &jr.insts[i]
		for s := range st.q {
			if m := st.q[s].msgs; len(m) > 0 {
				if !dead {
					n := jr.w.plan.nodes[i]
					d := Drop{RoutineID: n.id, Slot: n.def.slotNames[s], Count: len(m), Policy: n.def.policy.String()}
					jr.job.Trace(n.id, "dropped", Message{"slot": d.Slot, "count": d.Count, "policy": d.Policy})
					drops = append(drops, d)
				}
				clear(m)
				st.q[s].reset()
			}
		}
	}
	if len(drops) > 0 {
		jr.job.setDropped(drops)
		if jr.w.plan.onDrop == DropFail {
			return false, true, jr.job.setFinal(JobFailed, &DropError{Drops: drops})
		}
	}
	return !dead, true, false
}

// stepEnd is what a scheduling step leaves to do once jr.mu is released.
type stepEnd struct {
	complete, quiet bool
	// reset says the step found the job quiet and did, under jr.mu, what
	// retire otherwise does after it: completed the job, if it was to,
	// and cleared jr's scheduling state (see endQuietLocked).
	reset bool
	// ended is the job when this step ended it (a Custom policy's panic,
	// DropFail): its end is told once jr.mu is released. panicked is the
	// panic, to log; retries are the activations its end took off their
	// timers.
	ended    *JobContext
	panicked *PanicError
	retries  []*activation
}

// endLocked ends a scheduling step under jr.mu: it fails the job with a
// Custom policy's panic, if one was caught, and settles the job.
func (jr *jobRun) endLocked() (e stepEnd) {
	if perr := jr.fault; perr != nil {
		jr.fault = nil
		if jr.job.setFinal(JobFailed, perr) {
			e.ended, e.panicked = jr.job, perr
			jr.job.Trace(perr.RoutineID, "panic", Message{"error": fmt.Sprint(perr.Value), "func": perr.Func})
		}
		e.retries = jr.abortLocked()
	}
	var failed bool
	e.complete, e.quiet, failed = jr.settleLocked()
	if failed {
		e.ended = jr.job
	}
	if e.quiet && e.ended == nil && e.retries == nil && jr.endQuietLocked(e.complete) {
		e.complete, e.reset = false, true
	}
	return e
}

// endQuietLocked completes a job its step found quiet, and clears jr's
// scheduling state, without leaving jr.mu, when nothing has to happen in
// between: no hooks (AfterJob), no Backend told of the job (onQuiet), no
// timer or context derived from the job's to stop. The job's end then costs
// one hold of jr.mu fewer. It reports whether it did; if not, after and
// retire do it.
func (jr *jobRun) endQuietLocked(complete bool) bool {
	if jr.rt.hasHooks || jr.onQuiet != nil {
		return false
	}
	if complete {
		j := jr.job
		j.mu.Lock()
		if j.tm.Load() != nil { // enders to run: see finishWith
			j.mu.Unlock()
			return false
		}
		j.setFinalLocked(JobCompleted, nil)
		j.mu.Unlock()
	}
	jr.recycleLocked()
	return true
}

// finishStep does, outside jr.mu, what a scheduling step decided, and
// submits a, the activation it made ready, if any.
func (jr *jobRun) finishStep(e stepEnd, a *activation) {
	for _, r := range e.retries {
		jr.pool.submit(r)
	}
	if e.panicked != nil {
		jr.rt.logPanic(e.panicked, e.ended)
	}
	if e.ended != nil {
		e.ended.ended()
	}
	jr.after(a, e.complete, e.quiet && !e.reset)
	if e.reset {
		jr.unlist()
	}
}

// abort ends what the job, which just ended, still waits for: see
// abortLocked. Its owner calls it, whoever ended the job.
func (jr *jobRun) abort(job *JobContext) {
	// r.liveMu too: a recycled jr takes its next job under it alone (see
	// runLocked). A jr still job's but settled is a no-op here.
	jr.rt.liveMu.Lock()
	jr.mu.Lock()
	if jr.job != job { // quiet already, and recycled
		jr.mu.Unlock()
		jr.rt.liveMu.Unlock()
		return
	}
	retries := jr.abortLocked()
	e := jr.endLocked()
	jr.mu.Unlock()
	jr.rt.liveMu.Unlock()
	e.retries = append(e.retries, retries...)
	jr.finishStep(e, nil)
}

// abortLocked takes an ended job off its retry timers and throttle queues,
// so that Close and Shutdown never wait them out. It returns the
// activations whose retry it took, for the caller to submit once jr.mu is
// released: run ends them without running logic.
func (jr *jobRun) abortLocked() (retries []*activation) {
	for i := range jr.insts {
		st := &jr.insts[i]
		if rw := st.retry; rw != nil {
			st.retry = nil
			rw.t.Stop()
			retries = append(retries, rw.a)
		}
		if st.waiting && jr.w.throttles[i].cancel(jr) {
			st.waiting = false
			jr.active--
		}
	}
	return retries
}

// waitRetry submits a again once d has passed, unless the job ends first.
func (jr *jobRun) waitRetry(a *activation, d time.Duration) {
	st := &jr.insts[a.n.idx]
	jr.mu.Lock()
	if jr.dead() {
		jr.mu.Unlock()
		jr.pool.submit(a)
		return
	}
	rw := &retryWait{a: a}
	rw.t = time.AfterFunc(d, func() {
		jr.mu.Lock()
		mine := st.retry == rw
		if mine {
			st.retry = nil
		}
		jr.mu.Unlock()
		if mine {
			jr.pool.submit(a)
		}
	})
	st.retry = rw
	jr.mu.Unlock()
}

// dropQueuesLocked empties every queue of the job.
func (jr *jobRun) dropQueuesLocked() {
	for i := range jr.insts {
		st := &jr.insts[i]
		for s := range st.q {
			clear(st.q[s].msgs)
			st.q[s].reset()
		}
	}
}

// after does, outside jr.mu, what a scheduling step decided.
func (jr *jobRun) after(a *activation, complete, quiet bool) {
	if a != nil {
		jr.pool.submit(a)
	}
	if quiet {
		// Deferred: AfterJob, which completeSettled runs, may call
		// runtime.Goexit (t.FailNow), and the job must still leave the
		// live list, or Wait and Shutdown would wait for it for ever.
		defer jr.retire()
	}
	if complete {
		jr.job.completeSettled()
	}
}

// retire takes a job whose work is over, or that never started (vetoed), off
// the live list, wakes its waiters, stops its worker if that was the
// worker's last job and recycles jr. It is the one way out of the live list
// but unlist, which does the same for a job whose step already reset jr.
func (jr *jobRun) retire() {
	r := jr.rt
	r.liveMu.Lock()
	r.unlistLocked(jr)
	w := jr.w
	w.live--
	stop := w.stopped && w.live == 0
	r.liveMu.Unlock()
	if f := jr.onQuiet; f != nil {
		f(jr.job) // before quiet: once Wait returns, the Backend has the job
	}
	jr.mu.Lock()
	jr.recycleLocked()
	jr.mu.Unlock()
	r.liveMu.Lock()
	ch := jr.freeLocked()
	r.liveMu.Unlock()
	if ch != nil {
		close(ch) // after after's Complete: Wait returns only once the job finished
	}
	if stop {
		r.workerOver(w)
	}
}

// unlist takes off the live list a job whose jobRun its last step reset
// (endQuietLocked), wakes its waiters, stops its worker if that was the
// worker's last job and puts jr on the free list: one hold of r.liveMu.
func (jr *jobRun) unlist() {
	r := jr.rt
	r.liveMu.Lock()
	r.unlistLocked(jr)
	w := jr.w
	w.live--
	stop := w.stopped && w.live == 0
	ch := jr.freeLocked()
	r.liveMu.Unlock()
	if ch != nil {
		close(ch) // the job finished in endQuietLocked
	}
	if stop {
		r.workerOver(w)
	}
}

// recycleLocked clears the scheduling state of a quiet jobRun. Its job
// fields stay until freeLocked, and settled until runLocked: a late abort
// of its job finds it settled and does nothing.
func (jr *jobRun) recycleLocked() {
	jr.active = 0
	jr.attempt, jr.onQuiet = 0, nil
	for i := range jr.insts {
		st := &jr.insts[i]
		st.running, st.waiting, st.granted, st.inBlock = false, false, false, false
	}
}

// freeLocked readies a jobRun taken off the live list for another job of
// the same plan, and returns the channel its waiters wait on, to close.
// r.liveMu must be held. Once it is off the list nothing of the runtime
// refers to jr (no activation, timer or queue entry of its job is left),
// and waiters tell by gen.
func (jr *jobRun) freeLocked() chan struct{} {
	ch := jr.quietCh
	jr.gen++
	jr.quietCh = nil
	p := jr.w.plan
	jr.job, jr.w, jr.block = nil, nil, nil
	jr.named = false
	p.runs.put(jr)
	return ch
}

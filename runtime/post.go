package runtime

import (
	"context"
	"fmt"
	"reflect"
	"time"
)

// PostOption configures a Post.
type PostOption func(*postOptions)

type postOptions struct {
	worker, jobID string
	metadata      Message
	timeout       time.Duration
	hasTimeout    bool
}

// OnWorker runs the job on the worker Exec returned with this id, instead of
// the flow's default worker.
func OnWorker(workerID string) PostOption { return func(o *postOptions) { o.worker = workerID } }

// WithJobID sets the job id instead of a random UUID. It must not be the id
// of a job that is still running.
func WithJobID(id string) PostOption { return func(o *postOptions) { o.jobID = id } }

// WithMetadata attaches metadata (copied) to the job.
func WithMetadata(m Message) PostOption { return func(o *postOptions) { o.metadata = m } }

// WithTimeout bounds the whole job to d from the post: its logic's
// context carries the deadline, and a job still running at it is cancelled
// (JobCancelled) with an error matching context.DeadlineExceeded; logic
// that is running then sees its context end. As with context.WithTimeout,
// d ≤ 0 is a deadline already passed.
func WithTimeout(d time.Duration) PostOption {
	return func(o *postOptions) { o.timeout, o.hasTimeout = d, true }
}

// Post starts a job of flowID on a worker by delivering data to slot of
// routineID, and returns the job. Without OnWorker the job runs on the
// flow's default worker, started on first use, so worker state accumulates
// across jobs. An unknown flow, routine, slot or worker, a stopped worker, a
// running job's id, a closed runtime or a hook's veto is an error, and then
// no job exists. ctx is passed to hooks, and its values (not its deadline
// or cancellation) are visible to every activation of the job; ending it
// does not cancel the job (use JobContext.Cancel). A burst of posts from
// outside the runtime waits while the runtime is far behind; if ctx ends
// first, Post returns ctx's error and no job. A post from logic or a hook
// (whatever its ctx) never waits: the pool would wait on itself.
//
// A typed slot (see [In]) takes its values through In.Post; Post of a
// Message to it is an error wrapping ErrPayloadType.
func (r *Runtime) Post(ctx context.Context, flowID, routineID, slot string, data Message, opts ...PostOption) (*JobContext, error) {
	return r.post(ctx, flowID, routineID, slot, data, nil, opts)
}

// post is Post of data, a Message (typ nil) or a boxed value of type typ.
func (r *Runtime) post(ctx context.Context, flowID, routineID, slot string, data any, typ reflect.Type, opts []PostOption) (*JobContext, error) {
	if ctx == nil {
		return nil, fmt.Errorf("runtime: post: %w", errNilContext)
	}
	var o postOptions
	if len(opts) > 0 {
		po := new(postOptions) // keeps o on the stack when there are no options
		for _, opt := range opts {
			opt(po)
		}
		o = *po
	}
	if r.backend != nil {
		return r.postRemote(ctx, flowID, routineID, slot, data, typ, o)
	}
	if r.postOnly {
		return nil, errPostOnlyAlone
	}
	// Backpressure: a burst of posts from outside waits for the pool to
	// catch up. Posts from logic never wait (the pool would wait on
	// itself): with its ctx they skip waitRoom, with another ctx (or from
	// a hook) waitRoom tells its goroutine (see onPool).
	if p := r.pool.Load(); p != nil {
		if ec := execOf(ctx); ec == nil || ec.act == nil {
			if err := p.waitRoom(ctx); err != nil {
				return nil, fmt.Errorf("runtime: post: %w", err)
			}
		}
	}
	w, n, si, err := r.resolve(flowID, routineID, slot, o.worker)
	if err != nil {
		return nil, err
	}
	if got := n.def.slots[si].typ; got != typ {
		takes, given := typeNames(got, typ)
		return nil, fmt.Errorf("runtime: post: slot %s.%s takes %s, not %s: %w", routineID, slot, takes, given, ErrPayloadType)
	}
	blk := newJobBlock(r, w, o.jobID, o.metadata)
	job := &blk.job
	if o.jobID == "" {
		// The id is formatted only if someone asks for it (see ID).
		job.idN = r.ids.n.Add(1)
	}
	if o.hasTimeout {
		job.setDeadline(time.Now().Add(o.timeout))
	}
	if ctx != context.Background() && ctx != context.TODO() {
		job.extraLocked().base = context.WithoutCancel(ctx) // not posted yet: no lock needed
	}
	jr, err := r.list(w, blk, o)
	if err != nil {
		return nil, err
	}
	if r.hasHooks {
		if err := r.postHooks(ctx, w, jr, n, si, data); err != nil {
			return nil, fmt.Errorf("runtime: post: %w", err)
		}
	}
	if o.hasTimeout {
		job.armTimeout(o.timeout)
	}
	if err := jr.post(n, si, data); err != nil {
		return nil, fmt.Errorf("runtime: post: %w", err)
	}
	return job, nil
}

// list lists the job of blk as live on w, with the scheduling state it
// runs on, unless the runtime is closed, w has stopped or the job's given
// id names a job still running. It reserves the id before the hooks run,
// so a concurrent post of the same id fails and Close waits for this one.
func (r *Runtime) list(w *worker, blk *jobBlock, o postOptions) (*jobRun, error) {
	r.liveMu.Lock()
	defer r.liveMu.Unlock()
	switch {
	case r.closed:
		return nil, fmt.Errorf("runtime: post: %w", ErrClosed)
	case w.stopped || (w.ctx != nil && w.ctx.Err() != nil):
		return nil, fmt.Errorf("runtime: post: worker %q: %w", o.worker, ErrWorkerStopped)
	case o.jobID != "" && r.named[o.jobID] != nil:
		return nil, fmt.Errorf("runtime: post: job %q is running: %w", o.jobID, ErrDuplicate)
	}
	jr := r.runLocked(w, blk)
	if jr.pool == nil { // a recycled jobRun has it: do not write it again
		if jr.pool = r.pool.Load(); jr.pool == nil {
			jr.pool = newPool(r, r.nworkers)
			r.pool.Store(jr.pool)
		}
	}
	r.live.push(jr)
	if o.jobID != "" {
		r.named[o.jobID] = jr
		jr.named = true
	}
	w.live++
	return jr, nil
}

// postHooks runs the hooks of a post: WorkerStart of a new worker, then
// the vetoing ones. Their veto or panic retires the job, and so does a
// call of runtime.Goexit in one of them (t.Fatal in a test's hook: hooks
// of a post run on the poster's goroutine), which ends the goroutine
// that would otherwise post the job's message or retire it: the job
// would stay listed, and Wait and Shutdown wait for it, for ever.
func (r *Runtime) postHooks(ctx context.Context, w *worker, jr *jobRun, n *node, si int, data any) error {
	returned := false
	defer func() {
		if !returned {
			jr.retire()
		}
	}()
	if err := w.start(); err != nil {
		returned = true
		jr.retire()
		r.dropWorker(w)
		return err
	}
	err := r.beforeHooks(ctx, jr, n, si, data)
	returned = true
	if err != nil {
		jr.retire()
		return err
	}
	jr.job.setRunning() // newJobRun left it pending for the hooks to see
	return nil
}

// beforeHooks runs the vetoing hooks of a post: a veto is a *VetoError, a
// panic a *PanicError; either way the caller leaves no job, and says what
// failed (the error names no package).
func (r *Runtime) beforeHooks(ctx context.Context, jr *jobRun, n *node, si int, data any) error {
	job := jr.job
	var err error
	if perr := protect("BeforeJob", "", func() { err = r.hooks.BeforeJob(ctx, job) }); perr != nil {
		return fmt.Errorf("job %q: %w", job.ID(), perr)
	}
	if err != nil {
		return &VetoError{Hook: "BeforeJob", What: "job " + job.ID(), Err: err}
	}
	slot := n.def.slotNames[si]
	if perr := protect("BeforeEnqueue", n.id, func() { err = r.hooks.BeforeEnqueue(WithJob(ctx, job), n.id, slot, messageView(data)) }); perr != nil {
		return fmt.Errorf("post to %s.%s: %w", n.id, slot, perr)
	}
	if err != nil {
		return &VetoError{Hook: "BeforeEnqueue", What: "post to " + n.id + "." + slot, Err: err}
	}
	return nil
}

func (r *Runtime) resolve(flowID, routineID, slot, workerID string) (*worker, *node, int, error) {
	if workerID == "" {
		if t := r.lastTarget.Load(); t != nil && t.flowID == flowID && t.routineID == routineID && t.slot == slot {
			return t.w, t.n, t.si, nil
		}
	}
	r.mu.RLock()
	w, n, si, err := r.resolveLocked(flowID, routineID, slot, workerID, false)
	r.mu.RUnlock()
	if err == nil && w == nil {
		// The flow's default worker is not started yet.
		r.mu.Lock()
		w, n, si, err = r.resolveLocked(flowID, routineID, slot, workerID, true)
		r.mu.Unlock()
	}
	return w, n, si, err
}

// postTarget is what a post without OnWorker last resolved to. Posts to the
// same routine and slot in a row (the common case) find it without the
// registry's lock and two map lookups. It only names a flow's default worker
// and is set under r.mu, so dropWorker, which clears it under r.mu, never
// leaves a dropped worker in it; whether the runtime is closed or the worker
// stopped, Post checks either way.
type postTarget struct {
	flowID, routineID, slot string
	w                       *worker
	n                       *node
	si                      int
}

// resolveLocked looks up a post's target. Without create it returns a nil
// worker (and no error) when the default worker must be created.
func (r *Runtime) resolveLocked(flowID, routineID, slot, workerID string, create bool) (*worker, *node, int, error) {
	if r.closed {
		return nil, nil, 0, fmt.Errorf("runtime: post: %w", ErrClosed)
	}
	p, ok := r.flows[flowID]
	if !ok {
		return nil, nil, 0, fmt.Errorf("runtime: post: flow %q: %w", flowID, ErrUnknownFlow)
	}
	n, ok := p.byID[routineID]
	if !ok {
		return nil, nil, 0, fmt.Errorf("runtime: post: flow %q has no routine %q: %w", flowID, routineID, ErrUnknownRoutine)
	}
	si := n.slotIndex(slot)
	if si < 0 {
		return nil, nil, 0, fmt.Errorf("runtime: post: routine %q has no slot %q: %w", routineID, slot, ErrUnknownSlot)
	}
	var w *worker
	if workerID == "" {
		if w = r.defaults[flowID]; w == nil && create {
			w = r.newWorkerLocked(p, "")
			r.defaults[flowID] = w
		}
		if w != nil {
			r.lastTarget.Store(&postTarget{flowID: flowID, routineID: routineID, slot: slot, w: w, n: n, si: si})
		}
	} else {
		w = r.workers[workerID]
		var sp *plan
		if w == nil {
			sp = r.execedLocked(workerID)
		}
		switch {
		case w == nil && sp == p:
			return nil, nil, 0, fmt.Errorf("runtime: post: worker %q: %w", workerID, ErrWorkerStopped)
		case w == nil && sp != nil:
			return nil, nil, 0, fmt.Errorf("runtime: post: worker %q runs flow %q, not %q: %w", workerID, sp.id, flowID, ErrUnknownWorker)
		case w == nil:
			return nil, nil, 0, fmt.Errorf("runtime: post: worker %q: %w", workerID, ErrUnknownWorker)
		case w.plan != p:
			return nil, nil, 0, fmt.Errorf("runtime: post: worker %q runs flow %q, not %q: %w", workerID, w.plan.id, flowID, ErrUnknownWorker)
		}
	}
	return w, n, si, nil
}

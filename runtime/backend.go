package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Backend moves jobs, their outcomes and worker state between the nodes
// (runtimes) of a cluster, so that a job posted on one node runs on another
// and survives the crash of either. Package
// github.com/routigen/routigen/jetstream implements it over NATS JetStream;
// without one (the default) a Runtime runs everything in memory.
//
// The runtime calls a Backend as follows: Open once, from New; Serve for
// the default worker of every flow Register is given (unless PostOnly) and
// for every worker Exec starts; Submit and Watch from Post; Lookup from
// Runtime.Lookup; Close last, from Close or Shutdown. The Backend calls
// back through the Node: Run for every job delivered to this node,
// SaveWorker and LoadWorker around it, and StopWorker when a worker it
// made here by id stopped cluster-wide. Every method must return by its
// ctx's end (or its own deadline) however the server behaves.
// A method that panics fails the call that called it with an error
// wrapping a [*PanicError] ("Backend.Submit", ...), or is logged when
// that call returns no error (Close, Cancel); so is a panic in the done
// func given to Node.Run.
type Backend interface {
	// Open attaches the backend to the node New is making.
	Open(node *Node)
	// Serve makes this node take the jobs of workerID, a worker of flowID,
	// until ctx ends (Exec's ctx, or the runtime's shutdown).
	Serve(ctx context.Context, flowID, workerID string) error
	// Submit publishes a job durably: once it returns nil the job runs, at
	// least once, on some node serving its worker. Submitting the id of a
	// job submitted before is not an error and runs no second job.
	Submit(ctx context.Context, job *JobSpec) error
	// Watch calls report once, from any goroutine, when the outcome of
	// jobID is recorded by any node. After stop returns, report is not
	// called.
	Watch(jobID string, report func(Outcome)) (stop func())
	// Lookup returns the job submitted under jobID by any node, and its
	// outcome when it has one; the error wraps ErrUnknownJob when there is
	// no such job.
	Lookup(ctx context.Context, jobID string) (*JobSpec, *Outcome, error)
	// Cancel ends a job wherever it runs, unless it ended already: the job
	// (given by the view of it) is recorded cancelled with cause, first
	// record wins, and the node running it cancels its run.
	Cancel(ctx context.Context, job *JobSpec, cause error) error
	// Close ends serving and watching, once this node's jobs have ended or
	// been handed back (Node.Run's done reported every one).
	Close(ctx context.Context) error
}

// JobSpec is a job as it travels between nodes: what Post was given.
type JobSpec struct {
	ID, FlowID, WorkerID, RoutineID, Slot string
	// Data is the entry message: a Message for an untyped slot, else a
	// value of the slot's payload type (see In).
	Data      any
	Metadata  Message
	CreatedAt time.Time
	// Named says the id came from WithJobID: the Backend must then find an
	// earlier job of that id, however old, and run no second one.
	Named bool
	// Deadline is when WithTimeout ends the job, wherever it runs; zero
	// for none.
	Deadline time.Time
}

// Outcome is how a job ended, as a Backend records it.
type Outcome struct {
	Status      JobStatus // final: completed, failed or cancelled
	Err         error     // nil when completed
	Result      any       // what SetResult stored
	CompletedAt time.Time
}

// ErrUnknownJob reports a job id that no node has posted.
var ErrUnknownJob = errors.New("unknown job")

// WithBackend makes the runtime one node of a cluster: Post submits jobs to
// b, and the node runs the jobs b delivers (see Backend). nil means none,
// the in-memory runtime.
func WithBackend(b Backend) Option {
	return func(r *Runtime) {
		r.backend = nil
		if b != nil {
			r.backend = &backendCalls{r: r, b: b}
		}
	}
}

// WithNodeID names this node (default: unique per process).
func WithNodeID(id string) Option { return func(r *Runtime) { r.nodeID = id } }

// PostOnly makes a node that posts jobs and observes them but runs none: a
// front end beside worker nodes. It needs a Backend: without one, every
// Post fails (there is nowhere else to run the job).
func PostOnly() Option { return func(r *Runtime) { r.postOnly = true } }

var errPostOnlyAlone = errors.New("runtime: post: a post-only runtime needs a Backend (WithBackend) to run its jobs elsewhere")

// Node is the runtime as its Backend sees it: where delivered jobs run and
// where worker state is saved from and loaded into.
type Node struct {
	r *Runtime
}

// ID returns the node id (WithNodeID).
func (n *Node) ID() string { return n.r.nodeID }

// PayloadTypes returns the payload types of the typed slots and events
// (NewIn, NewOut) of the flow registered as flowID, each once, in
// declaration order; nil for an unknown flow or one with only Message
// ports. Every node registers the flows it posts to or serves, so a
// Backend whose codec must know a type by name before it decodes one learns
// them here: typed payloads cross nodes without registration of their own.
func (n *Node) PayloadTypes(flowID string) []reflect.Type {
	n.r.mu.Lock()
	p := n.r.flows[flowID]
	n.r.mu.Unlock()
	if p == nil {
		return nil
	}
	var out []reflect.Type
	add := func(t reflect.Type) {
		if t != nil && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	for _, nd := range p.nodes {
		for _, s := range nd.def.slots {
			add(s.typ)
		}
		for _, e := range nd.def.events {
			add(e.typ)
		}
	}
	return out
}

// DefaultWorkerID is the id of the default worker of flowID under a
// Backend: the same on every node, so that it is one logical worker.
func DefaultWorkerID(flowID string) string { return flowID + "/default" }

// Run starts a delivered job on this node, on the worker spec names
// (made on first use). attempt is the delivery count, 1 the first time; it
// is ExecContext.Attempt. done is called once, from a pool goroutine, when
// the job has finished and its last activation returned: it must not
// block. released is true when the job did not really end but the node
// shut down under it (Shutdown's deadline), and it must be handed back
// for another node to run. An error means the job did not start: it wraps
// ErrClosed when the node is closing, ErrDuplicate when a job of that id
// is still running here, else the job cannot run here (an unknown flow,
// routine or slot, a hook's veto).
func (n *Node) Run(spec *JobSpec, attempt int, done func(job *JobContext, released bool)) (*JobContext, error) {
	r := n.r
	if r.postOnly {
		return nil, fmt.Errorf("runtime: run job %q: a post-only node runs no jobs: %w", spec.ID, ErrClosed)
	}
	r.mu.Lock()
	w, nd, si, err := r.resolveLocked(spec.FlowID, spec.RoutineID, spec.Slot, "", false)
	if err == nil {
		w = r.workers[spec.WorkerID]
		if w == nil && r.execedLocked(spec.WorkerID) != nil {
			err = fmt.Errorf("runtime: run job %q: worker %q: %w", spec.ID, spec.WorkerID, ErrWorkerStopped)
		} else if w == nil {
			w = r.newWorkerLocked(r.flows[spec.FlowID], spec.WorkerID)
		} else if w.plan.id != spec.FlowID {
			err = fmt.Errorf("runtime: run job %q: worker %q runs flow %q, not %q: %w", spec.ID, spec.WorkerID, w.plan.id, spec.FlowID, ErrUnknownWorker)
		}
	}
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	data, err := entryPayload(nd, si, spec.Data)
	if err != nil {
		return nil, fmt.Errorf("runtime: run job %q: %w", spec.ID, err)
	}
	jr, err := r.admit(w, spec.ID, spec.Metadata, spec.Deadline)
	if err != nil {
		return nil, err
	}
	job := jr.job
	if !spec.CreatedAt.IsZero() {
		job.created = job.clock().of(spec.CreatedAt)
	}
	jr.attempt = max(attempt, 1)
	if r.hasHooks {
		if err := r.beforeHooks(context.Background(), jr, nd, si, data); err != nil {
			jr.retire()
			return nil, fmt.Errorf("runtime: run job %q: %w", spec.ID, err)
		}
		job.setRunning()
	}
	jr.onQuiet = func(j *JobContext) {
		s := j.Status()
		if !s.Finished() { // it never started: Run's error says why
			return
		}
		// done is the Backend's: its panic must not crash the pool goroutine.
		if perr := protect("Node.Run done", "", func() { done(j, r.releasing.Load() && s == JobCancelled) }); perr != nil {
			r.logPanic(perr, j)
		}
	}
	if !spec.Deadline.IsZero() {
		job.armTimeout(time.Until(spec.Deadline))
	}
	if err := jr.post(nd, si, data); err != nil {
		return nil, fmt.Errorf("runtime: run job %q: %w", spec.ID, err)
	}
	return job, nil
}

// boxers holds, by payload type, how to queue a value of a typed slot:
// NewIn stores one, so that a job a Backend delivers can enter a typed slot.
var boxers sync.Map // reflect.Type -> func(any) boxed

// entryPayload checks a delivered entry message against its slot's payload
// type and readies it for the queue.
func entryPayload(n *node, si int, data any) (any, error) {
	typ := n.def.slots[si].typ
	if typ == nil {
		switch m := data.(type) {
		case Message:
			return m, nil
		case nil:
			return Message(nil), nil
		}
		return nil, fmt.Errorf("slot %s.%s takes runtime.Message, not %T: %w", n.id, n.def.slotNames[si], data, ErrPayloadType)
	}
	bf, ok := boxers.Load(typ)
	if !ok || reflect.TypeOf(data) != typ {
		return nil, fmt.Errorf("slot %s.%s takes %s, not %T: %w", n.id, n.def.slotNames[si], typ, data, ErrPayloadType)
	}
	return bf.(func(any) boxed)(data), nil
}

// SaveWorker encodes the worker state written since the last save or load,
// for the Backend to persist: changed reports whether there is anything to
// write. An error names the cell that cannot be encoded. ok is false when
// no worker of that id is on this node. The node forgets a worker Exec
// started once it stopped, its last job is over and a save has seen every
// write of its jobs: the Backend calls SaveWorker after each job it ran
// ends, the last such call included, and ok is false after it.
func (n *Node) SaveWorker(workerID string) (snap WorkerSnapshot, changed, ok bool, err error) {
	r := n.r
	r.mu.RLock()
	w := r.workers[workerID]
	r.mu.RUnlock()
	if w == nil {
		return WorkerSnapshot{}, false, false, nil
	}
	snap, changed, err = w.state.save()
	r.liveMu.Lock()
	over := w.over
	r.liveMu.Unlock()
	if over {
		r.forget(w)
	}
	return snap, changed, true, err
}

// LoadWorker replaces the state of a worker of flowID with snap, making the
// worker if this node has none of that id: the Backend calls it when the
// node becomes the worker's owner. Cells are decoded on first use; an
// error names a cell that exists already and cannot be decoded.
func (n *Node) LoadWorker(flowID, workerID string, snap WorkerSnapshot) error {
	r := n.r
	r.mu.Lock()
	w := r.workers[workerID]
	if w == nil && r.execedLocked(workerID) != nil {
		r.mu.Unlock()
		return fmt.Errorf("runtime: load worker %q: %w", workerID, ErrWorkerStopped)
	}
	if w == nil {
		p, ok := r.flows[flowID]
		if !ok {
			r.mu.Unlock()
			return fmt.Errorf("runtime: load worker %q: flow %q: %w", workerID, flowID, ErrUnknownFlow)
		}
		w = r.newWorkerLocked(p, workerID)
	}
	r.mu.Unlock()
	return w.state.load(snap)
}

// StopWorker tells the node that workerID, a worker it runs for another
// node (Run or LoadWorker made it here by id: the Backend moved an Exec'd
// worker to this node), stopped cluster-wide: its Exec ended. The node
// then refuses its jobs, as Run's ErrWorkerStopped, and forgets the worker
// once its last job here is over and a save (SaveWorker) has seen every
// write of its jobs, as the node that Exec'd it does. Deliver no job of it
// afterwards: Run would make the worker anew. A flow's default worker, an
// unknown id and a worker Exec started on this node (its Exec's ctx says
// when it stops) are left as they are.
func (n *Node) StopWorker(workerID string) {
	r := n.r
	r.mu.RLock()
	w := r.workers[workerID]
	r.mu.RUnlock()
	if w == nil || w.ctx != nil || workerID == DefaultWorkerID(w.plan.id) {
		return
	}
	r.liveMu.Lock()
	w.ended = true
	r.liveMu.Unlock()
	r.stopWorker(w)
}

// admit makes a job of w and reserves its id on the live list: the part of
// a post between resolving its target and delivering its first message.
func (r *Runtime) admit(w *worker, id string, metadata Message, deadline time.Time) (*jobRun, error) {
	blk := newJobBlock(r, w, id, metadata)
	blk.job.setDeadline(deadline)
	var err error
	r.liveMu.Lock()
	switch {
	case r.closed:
		err = fmt.Errorf("runtime: run job %q: %w", id, ErrClosed)
	case w.stopped:
		err = fmt.Errorf("runtime: run job %q: worker %q: %w", id, w.state.id, ErrWorkerStopped)
	case r.named[id] != nil:
		err = fmt.Errorf("runtime: run job %q: it is running: %w", id, ErrDuplicate)
	}
	if err != nil {
		r.liveMu.Unlock()
		return nil, err
	}
	jr := r.runLocked(w, blk)
	if jr.pool == nil {
		if jr.pool = r.pool.Load(); jr.pool == nil {
			jr.pool = newPool(r, r.nworkers)
			r.pool.Store(jr.pool)
		}
	}
	r.live.push(jr)
	r.named[id] = jr
	jr.named = true
	w.live++
	r.liveMu.Unlock()
	if err := w.start(); err != nil {
		jr.retire()
		r.dropWorker(w)
		return nil, fmt.Errorf("runtime: run job %q: %w", id, err)
	}
	return jr, nil
}

// postRemote is Post under a Backend: it validates the target against this
// node's registration, submits the job and returns a view of it that the
// Backend's Watch finishes.
func (r *Runtime) postRemote(ctx context.Context, flowID, routineID, slot string, data any, typ reflect.Type, o postOptions) (*JobContext, error) {
	r.mu.RLock()
	_, n, si, err := r.resolveLocked(flowID, routineID, slot, "", false)
	if err == nil {
		if got := n.def.slots[si].typ; got != typ {
			takes, given := typeNames(got, typ)
			err = fmt.Errorf("runtime: post: slot %s.%s takes %s, not %s: %w", routineID, slot, takes, given, ErrPayloadType)
		}
	}
	if err == nil && o.worker != "" {
		if w := r.workers[o.worker]; w != nil && w.plan.id != flowID {
			err = fmt.Errorf("runtime: post: worker %q runs flow %q, not %q: %w", o.worker, w.plan.id, flowID, ErrUnknownWorker)
		}
	}
	r.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	if b, ok := data.(boxed); ok {
		data = b.value()
	}
	spec := &JobSpec{ID: o.jobID, FlowID: flowID, WorkerID: o.worker, RoutineID: routineID, Slot: slot,
		Data: data, Metadata: o.metadata, CreatedAt: time.Now(), Named: o.jobID != ""}
	if o.hasTimeout {
		spec.Deadline = spec.CreatedAt.Add(o.timeout)
	}
	if spec.ID == "" {
		spec.ID = r.ids.next()
	}
	if spec.WorkerID == "" {
		spec.WorkerID = DefaultWorkerID(flowID)
	}
	job, err := r.track(spec)
	if err != nil {
		return nil, err
	}
	if err := r.backend.submit(ctx, spec); err != nil {
		r.untrack(job)
		return nil, fmt.Errorf("runtime: post: %w", err)
	}
	return job, nil
}

// remoteJob is a job this node posted or looked up under a Backend, until
// its outcome is known.
type remoteJob struct {
	stop func()
}

// track makes the view of a remote job and watches for its outcome, before
// the job is submitted so that no outcome is missed.
func (r *Runtime) track(spec *JobSpec) (*JobContext, error) {
	job := newJobContext(spec.ID, spec.FlowID, spec.WorkerID, spec.Metadata, r.traceLimit)
	job.owner = &remoteView{r: r, spec: spec}
	job.created = job.clock().of(spec.CreatedAt)
	rj := new(remoteJob)
	r.liveMu.Lock()
	if r.closed {
		r.liveMu.Unlock()
		return nil, fmt.Errorf("runtime: post: %w", ErrClosed)
	}
	r.remote[job] = rj
	r.liveMu.Unlock()
	var reported atomic.Bool
	stop, err := r.backend.watch(spec.ID, func(o Outcome) {
		if reported.CompareAndSwap(false, true) {
			r.untrack(job)
			job.finishRemote(o)
		}
	})
	if err != nil {
		r.untrack(job)
		return nil, fmt.Errorf("runtime: post: %w", err)
	}
	r.liveMu.Lock()
	if _, ok := r.remote[job]; ok {
		rj.stop = stop
		stop = nil
	}
	r.liveMu.Unlock()
	if stop != nil { // the outcome came already
		stop()
	}
	return job, nil
}

func (r *Runtime) untrack(job *JobContext) {
	r.liveMu.Lock()
	rj := r.remote[job]
	delete(r.remote, job)
	r.liveMu.Unlock()
	if rj != nil && rj.stop != nil {
		rj.stop()
	}
}

// finishRemote gives a remote job's view the outcome a Backend reported.
func (j *JobContext) finishRemote(o Outcome) {
	j.mu.Lock()
	j.result = o.Result
	j.mu.Unlock()
	err := o.Err
	if o.Status == JobCompleted {
		err = nil
	} else if err == nil {
		err = errJobFailed
	}
	if !o.Status.Finished() {
		o.Status = JobFailed
	}
	j.finish(o.Status, err)
	if !o.CompletedAt.IsZero() {
		j.mu.Lock()
		j.completed = j.clock().of(o.CompletedAt)
		j.mu.Unlock()
	}
}

// Lookup returns the job posted under jobID on any node: the live job when
// it runs on this node, else, under a Backend, a view of it whose Wait,
// Done, Status, Err and Result follow its outcome. The error wraps
// ErrUnknownJob when there is no such job (without a Backend: none running
// here).
func (r *Runtime) Lookup(ctx context.Context, jobID string) (*JobContext, error) {
	if ctx == nil {
		return nil, fmt.Errorf("runtime: lookup %q: %w", jobID, errNilContext)
	}
	if job, ok := r.Job(jobID); ok {
		return job, nil
	}
	if r.backend == nil {
		return nil, fmt.Errorf("runtime: lookup %q: %w", jobID, ErrUnknownJob)
	}
	spec, out, err := r.backend.lookup(ctx, jobID)
	if err != nil {
		return nil, fmt.Errorf("runtime: lookup %q: %w", jobID, err)
	}
	if out != nil {
		job := newJobContext(spec.ID, spec.FlowID, spec.WorkerID, spec.Metadata, r.traceLimit)
		job.created = job.clock().of(spec.CreatedAt)
		job.finishRemote(*out)
		return job, nil
	}
	return r.track(spec)
}

// serveFlow makes this node serve the default worker of a flow just
// registered, under a Backend.
func (r *Runtime) serveFlow(flowID string) error {
	if r.backend == nil || r.postOnly {
		return nil
	}
	if err := r.backend.serve(r.serveCtx, flowID, DefaultWorkerID(flowID)); err != nil {
		return fmt.Errorf("runtime: register %q: %w", flowID, err)
	}
	return nil
}

// serveWorker makes this node serve a worker Exec started, under a
// Backend, until ctx ends or the node stops serving.
func (r *Runtime) serveWorker(ctx context.Context, w *worker) error {
	if r.backend == nil {
		return nil
	}
	sctx, cancel := context.WithCancel(r.serveCtx)
	// Watching ctx may take a goroutine (a Context of its own type):
	// stopped once sctx ends, at the latest when the node stops serving,
	// so that none outlives the runtime.
	stop := context.AfterFunc(ctx, cancel)
	context.AfterFunc(sctx, func() { stop() })
	if err := r.backend.serve(sctx, w.plan.id, w.state.id); err != nil {
		cancel()
		return fmt.Errorf("runtime: exec %q: %w", w.plan.id, err)
	}
	return nil
}

// stopServingJobs makes the Backend stop delivering jobs to this node:
// the first step of closing.
func (r *Runtime) stopServingJobs() {
	if r.stopServing != nil {
		r.stopServing()
	}
}

// closeBackend is the last step of closing: every job of this node has
// ended or been handed back.
func (r *Runtime) closeBackend(ctx context.Context) error {
	if r.backend == nil {
		return nil
	}
	return r.backend.close(ctx)
}

// waitRemote waits for the jobs this node posted to a Backend.
func (r *Runtime) waitRemote(ctx context.Context) error {
	if r.backend == nil {
		return nil
	}
	r.liveMu.Lock()
	pending := make([]*JobContext, 0, len(r.remote))
	for j := range r.remote {
		pending = append(pending, j)
	}
	r.liveMu.Unlock()
	for _, j := range pending {
		select {
		case <-j.Done():
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (r *Runtime) logRuntimeErr(msg string, err error) {
	slog.New(r.logHandler).Error(msg, slog.String("error", errText(err)))
}

// remoteView owns the view of a job a Backend runs: the job is counted
// where it runs, not here, and Cancel goes to the Backend.
type remoteView struct {
	r    *Runtime
	spec *JobSpec
}

func (v *remoteView) count(JobStatus)            {}
func (v *remoteView) finished(*JobContext, bool) {}
func (v *remoteView) jobID(uint64) string        { return v.spec.ID }
func (v *remoteView) clock() *clock              { return &v.r.clock }
func (v *remoteView) workerID() string           { return v.spec.WorkerID }
func (v *remoteView) limits() (int, int)         { return v.r.traceLimit, v.r.logLimit }

// cancel is JobContext.Cancel on the view: the Backend records the job
// cancelled (the outcome comes back through Watch) and the node running it
// ends its run. A Backend that cannot reach its server leaves the job as
// it is, and says so in the log.
func (v *remoteView) cancel(cause error) {
	if err := v.r.backend.cancel(context.Background(), v.spec, cause); err != nil {
		v.r.logRuntimeErr("cancel of a remote job failed", fmt.Errorf("job %q: %w", v.spec.ID, err))
	}
}

// Cancel ends the run of jobID on this node, if it runs here, with cause:
// the Backend calls it when the job was cancelled from another node.
func (n *Node) Cancel(jobID string, cause error) bool {
	job, ok := n.r.Job(jobID)
	if ok {
		job.Cancel(cause)
	}
	return ok
}

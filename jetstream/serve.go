package jetstream

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/routigen/routigen/runtime"
)

// served is a worker this node serves: a durable consumer of the worker's
// jobs, shared by every node that serves it, with the pinned-client
// priority policy, so that the server delivers the worker's jobs to one
// node at a time and moves them to another once that one stops pulling
// for AckWait. The node owning the worker keeps its state in memory and
// writes it through to the state bucket, checked by revision.
type served struct {
	b        *Backend
	flow, id string
	key      string // token(id): state key and subject token
	ctx      context.Context
	cons     jetstream.Consumer
	// adopted: a worker Exec started on another node (see adopt);
	// dropping: its Exec ended there, and this node is letting it go
	// (see dropStopped). dropping is guarded by b.mu.
	adopted, dropping bool

	mu       sync.Mutex
	cc       jetstream.ConsumeContext
	inflight map[string]jetstream.Msg // by job id: running here, unacknowledged

	// stateMu serializes loading and saving the worker's state. A save
	// holds it across its write, so finishers queued behind it find their
	// changes written by the next save: one write for many jobs.
	stateMu  sync.Mutex
	lost     bool   // a write found another owner: serve no more for now
	dirty    bool   // a write failed: write again even if nothing changed
	rev      uint64 // revision of the state as this node last wrote or read it
	routines []byte // the untyped state as last encoded
	// loaded (state loaded since this node last became the owner) and
	// lastMsg (unix ns of the last job of the worker here) are read
	// without stateMu by each delivery; written under it.
	loaded  atomic.Bool
	lastMsg atomic.Int64
}

const ownerGroup = "owner"

var errLostOwnership = errors.New("another node owns the worker now")

// Serve implements runtime.Backend: it joins the durable consumer of
// workerID, creating it on first use, until ctx ends.
func (b *Backend) Serve(ctx context.Context, flowID, workerID string) error {
	return b.serve(ctx, flowID, workerID, false)
}

// serve is Serve; adopted marks a worker of another node (see adopt).
func (b *Backend) serve(ctx context.Context, flowID, workerID string, adopted bool) error {
	if b.shared.Load() {
		return errShared
	}
	b.learnTypes(flowID)
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return fmt.Errorf("jetstream: serve %q: %w", workerID, runtime.ErrClosed)
	}
	if _, ok := b.workers[workerID]; ok {
		b.mu.Unlock()
		return nil
	}
	w := &served{b: b, flow: flowID, id: workerID, key: token(workerID), ctx: ctx, adopted: adopted, inflight: map[string]jetstream.Msg{}}
	b.workers[workerID] = w
	b.mu.Unlock()
	cons, err := w.createConsumer(ctx, false)
	if err == nil {
		w.mu.Lock()
		w.cons = cons
		w.mu.Unlock()
		err = w.startConsuming()
	}
	if err != nil {
		b.mu.Lock()
		delete(b.workers, workerID)
		b.mu.Unlock()
		return fmt.Errorf("jetstream: serve worker %q: %w", workerID, err)
	}
	if workerID == runtime.DefaultWorkerID(flowID) {
		context.AfterFunc(ctx, w.stopConsuming) // the node's shutdown: others serve it on
	} else {
		context.AfterFunc(ctx, w.retire)
	}
	return nil
}

// createConsumer creates the worker's durable consumer, or joins it;
// stopped marks the worker stopped for good.
func (w *served) createConsumer(ctx context.Context, stopped bool) (jetstream.Consumer, error) {
	b := w.b
	meta := map[string]string{flowKey: w.flow, workerKey: w.id}
	var inactive time.Duration
	if stopped {
		meta[stoppedKey] = "true"
		inactive = keepStopped
	}
	cctx, cancel := b.call(ctx)
	defer cancel()
	return b.stream.CreateOrUpdateConsumer(cctx, jetstream.ConsumerConfig{
		Metadata:          meta,
		InactiveThreshold: inactive,
		Durable:           consumerName(w.id),
		Description:       "routigen worker " + w.id,
		FilterSubject:     b.subject + "." + w.key + ".*",
		AckPolicy:         jetstream.AckExplicitPolicy,
		AckWait:           b.cfg.ackWait,
		MaxDeliver:        -1,
		MaxAckPending:     b.cfg.maxInFlight,
		PriorityPolicy:    jetstream.PriorityPolicyPinned,
		PinnedTTL:         b.cfg.ackWait,
		PriorityGroups:    []string{ownerGroup},
		Replicas:          b.cfg.replicas,
	})
}

// consumerName is the name of a worker's durable consumer.
func consumerName(workerID string) string {
	sum := sha256.Sum256([]byte(workerID))
	return "w-" + hex.EncodeToString(sum[:16])
}

func (w *served) startConsuming() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cc != nil || w.ctx.Err() != nil {
		return nil
	}
	cc, err := w.cons.Consume(w.handle,
		jetstream.PullPriorityGroup(ownerGroup),
		jetstream.PullMaxMessages(w.b.cfg.maxInFlight),
		jetstream.PullExpiry(max(w.b.cfg.ackWait, time.Second)),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) { w.b.checkGone(err) }))
	if err != nil {
		return err
	}
	w.cc = cc
	return nil
}

// stopConsuming leaves the consumer: the server moves the worker's jobs to
// another node serving it. Jobs running here still finish and are
// acknowledged.
func (w *served) stopConsuming() {
	w.mu.Lock()
	cc := w.cc
	w.cc = nil
	w.mu.Unlock()
	if cc == nil {
		return
	}
	cc.Stop()
	if !w.b.nc.IsConnected() {
		return // nothing to drain from a server out of reach
	}
	t := time.NewTimer(min(w.b.cfg.callTimeout, time.Second))
	defer t.Stop()
	select {
	case <-cc.Closed():
	case <-t.C:
	}
}

// handle takes one delivered job (on the consumer's goroutine).
func (w *served) handle(msg jetstream.Msg) {
	b := w.b

	attempt := 1
	if meta, err := msg.Metadata(); err == nil {
		attempt = int(meta.NumDelivered)
	}
	spec, err := decodeSpec(msg.Data())
	if err != nil {
		w.unreadable(msg, spec, err)
		return
	}
	if err := w.ensureState(); err != nil {
		var se *stateError
		if errors.As(err, &se) {
			// The stored state cannot be read here: the job fails saying
			// so, and the stored value stays as it is.
			w.track(spec.ID, msg)
			b.fin.push(finishItem{w: w, spec: spec, msg: msg, skipState: true, outcome: runtime.Outcome{
				Status: runtime.JobFailed, Err: fmt.Errorf("jetstream: worker %q: %w", w.id, err), CompletedAt: time.Now()}})
			return
		}
		_ = msg.NakWithDelay(b.cfg.ackWait / 2) // the server: later
		return
	}
	if b.wasCancelled(spec.ID) {
		_ = msg.Ack() // cancelled before it ran: its record says so
		return
	}
	if attempt > 1 {
		// A re-run whose record exists just acknowledges.
		if s, _, err := b.getRecord(w.ctx, spec.ID); err == nil && s != nil {
			_ = msg.Ack()
			return
		}
	}
	if !w.track(spec.ID, msg) {
		return // delivered again while it runs here: its ack covers both
	}
	_, err = b.node.Run(spec, attempt, func(job *runtime.JobContext, released bool) {
		b.fin.push(finishItem{w: w, spec: spec, msg: msg, released: released, outcome: runtime.Outcome{
			Status: job.Status(), Err: job.Err(), Result: job.Result(), CompletedAt: job.CompletedAt()}})
	})
	switch {
	case err == nil:
	case errors.Is(err, runtime.ErrClosed), errors.Is(err, runtime.ErrDuplicate),
		errors.Is(err, runtime.ErrWorkerStopped) && w.id == runtime.DefaultWorkerID(w.flow): // the node closes
		w.untrack(spec.ID)
		_ = msg.Nak()
	default: // it cannot run here, nor anywhere: record why
		b.fin.push(finishItem{w: w, spec: spec, msg: msg, outcome: runtime.Outcome{
			Status: runtime.JobFailed, Err: err, CompletedAt: time.Now()}})
	}
}

// unreadable settles a delivered message this node cannot read, which can
// never run and must not come back forever. One whose head names a job (a
// payload of a type this node has not registered) fails that job, saying
// why, so that its poster does not wait for ever; one that names none is
// terminated, with the reason in the server's advisory.
func (w *served) unreadable(msg jetstream.Msg, spec *runtime.JobSpec, err error) {
	if spec == nil {
		_ = msg.TermWithReason(err.Error())
		return
	}
	if !w.track(spec.ID, msg) {
		return // delivered again while it is being failed here
	}
	w.b.fin.push(finishItem{w: w, spec: spec, msg: msg, skipState: true, outcome: runtime.Outcome{
		Status: runtime.JobFailed, Err: fmt.Errorf("jetstream: node %q: %w", w.b.node.ID(), err), CompletedAt: time.Now()}})
}

// track notes a job running here, unacknowledged; false if it is already.
func (w *served) track(jobID string, msg jetstream.Msg) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, running := w.inflight[jobID]; running {
		return false
	}
	w.inflight[jobID] = msg
	return true
}

func (w *served) untrack(jobID string) {
	w.mu.Lock()
	delete(w.inflight, jobID)
	w.mu.Unlock()
}

func (w *served) inProgress() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, m := range w.inflight {
		_ = m.InProgress()
	}
}

// ensureState loads the worker's state when this node has just become its
// owner, or has had no job of it for AckWait (another node may have owned
// it meanwhile).
func (w *served) ensureState() error {
	b := w.b
	now := time.Now().UnixNano()
	fresh := func() bool { return w.loaded.Load() && now-w.lastMsg.Load() <= int64(b.cfg.ackWait) }
	if fresh() { // the common case: no lock, the delivery goroutine never waits on a save
		w.lastMsg.Store(now)
		return nil
	}
	w.stateMu.Lock()
	defer w.stateMu.Unlock()
	if fresh() {
		w.lastMsg.Store(now)
		return nil
	}
	w.lastMsg.Store(now)
	ctx, cancel := b.call(w.ctx)
	e, err := b.state.Get(ctx, w.key)
	cancel()
	var snap runtime.WorkerSnapshot
	var rev uint64
	var routines []byte
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
	case err != nil:
		b.checkGone(err)
		return err
	default:
		if w.loaded.Load() && e.Revision() == w.rev {
			return nil
		}
		if snap, routines, err = decodeState(e.Value()); err != nil {
			return &stateError{err}
		}
		rev = e.Revision()
	}
	if err := b.node.LoadWorker(w.flow, w.id, snap); err != nil {
		return &stateError{err}
	}
	w.rev, w.routines, w.lost, w.dirty = rev, routines, false, false
	w.loaded.Store(true)
	return nil
}

// stateError is a worker state that cannot be encoded: the job fails.
type stateError struct{ err error }

func (e *stateError) Error() string { return e.err.Error() }
func (e *stateError) Unwrap() error { return e.err }

// saveState writes the worker state changed since the last write, checked
// by revision: errLostOwnership when another node wrote it meanwhile.
func (w *served) saveState(ctx context.Context) error {
	b := w.b
	w.stateMu.Lock()
	defer w.stateMu.Unlock()
	if w.lost {
		return errLostOwnership
	}
	snap, changed, ok, err := b.node.SaveWorker(w.id)
	if err != nil {
		return &stateError{err}
	}
	if !ok || (!changed && !w.dirty) {
		return nil
	}
	if snap.Routines != nil {
		enc, err := encodeRoutines(snap.Routines)
		if err != nil {
			return &stateError{err}
		}
		w.routines = enc
	}
	doc := encodeState(snap.Cells, w.routines)
	if limit, ok := b.maxValue(); ok && len(doc) > limit {
		// It could never be stored: the job fails saying so, and the
		// next job's save tries again.
		w.dirty = true
		return &stateError{fmt.Errorf("worker state of %q: %d bytes, over the server's max payload of %d bytes", w.id, len(doc), limit)}
	}
	cctx, cancel := b.call(ctx)
	defer cancel()
	var rev uint64
	if w.rev == 0 {
		rev, err = b.state.Create(cctx, w.key, doc)
	} else {
		rev, err = b.state.Update(cctx, w.key, doc, w.rev)
	}
	switch {
	case casConflict(err):
		w.lost = true
		w.loaded.Store(false)
		return errLostOwnership
	case err != nil:
		w.dirty = true
		b.checkGone(err)
		return err
	}
	w.rev, w.dirty = rev, false
	return nil
}

// lose stops serving the worker after another node took it over: the jobs
// of it held here go back, and the node joins the consumer again, as a
// standby, after AckWait.
func (w *served) lose() {
	w.stopConsuming()
	w.mu.Lock()
	msgs := w.inflight
	w.inflight = map[string]jetstream.Msg{}
	w.mu.Unlock()
	for _, m := range msgs {
		_ = m.Nak()
	}
	time.AfterFunc(w.b.cfg.ackWait, func() {
		w.b.mu.Lock()
		closed := w.b.closed
		w.b.mu.Unlock()
		if !closed {
			_ = w.startConsuming()
		}
	})
}

package jetstream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/routigen/routigen/runtime"
)

// Workers Exec started. Each is served by the node that Exec'd it alone,
// unlike a flow's default worker, which every node registering the flow
// serves. A Post naming one checks that a node serves it (knownWorker);
// when its Exec ends it is retired for good (retire); when its node dies
// or shuts down, another node adopts it (adopt).

// The metadata of a worker's consumer: its flow and worker ids (see
// adopt), and stoppedKey once its Exec ended (see retire).
const (
	// keepStopped is how long the server keeps the consumer of a stopped
	// worker (Posts naming it fail with ErrWorkerStopped; then, with
	// ErrUnknownWorker), so that Exec per request does not grow them.
	keepStopped = 10 * time.Minute

	flowKey    = "routigen-flow"
	workerKey  = "routigen-worker"
	stoppedKey = "routigen-stopped"
)

// knownWorker checks that a node serves the worker a job names: a job for
// a worker no node ever served (a mistyped OnWorker id), or one whose Exec
// ended, would wait for ever, where the in-memory runtime refuses it. A
// worker is known once its durable consumer exists (Serve makes it), until
// retire marks it stopped.
func (b *Backend) knownWorker(ctx context.Context, s *runtime.JobSpec) error {
	if s.WorkerID == runtime.DefaultWorkerID(s.FlowID) {
		return nil // served by every node that registered the flow
	}
	cctx, cancel := b.call(ctx)
	c, err := b.stream.Consumer(cctx, consumerName(s.WorkerID))
	cancel()
	switch {
	case err == nil && c.CachedInfo().Config.Metadata[stoppedKey] != "":
		return fmt.Errorf("jetstream: job %q: worker %q: %w", s.ID, s.WorkerID, runtime.ErrWorkerStopped)
	case err == nil:
		return nil
	case errors.Is(err, jetstream.ErrConsumerNotFound):
		return fmt.Errorf("jetstream: job %q: worker %q: no node serves it: %w", s.ID, s.WorkerID, runtime.ErrUnknownWorker)
	}
	b.checkGone(err)
	return fmt.Errorf("jetstream: job %q: %w", s.ID, err)
}

// retire ends serving a worker Exec started (or adopted), once its ctx
// ended. When the node shuts down (the serving ctx of the flow's default
// worker, which Exec's derives from, ended too), it only stops consuming:
// the worker lives on, adopted by another node. When its Exec ended, the
// worker is gone for good: its consumer is marked stopped, so that a Post
// naming it fails with ErrWorkerStopped and no node adopts it, and the
// node consumes on until none of its jobs is left, each failing with
// ErrWorkerStopped (Node.Run refuses them): a job posted before the stop
// ends instead of waiting for ever. It consumes for CallTimeout at least,
// the longest a Post that found the worker serving takes to publish.
func (w *served) retire() {
	b := w.b
	b.mu.Lock()
	dw := b.workers[runtime.DefaultWorkerID(w.flow)]
	if b.closed || dw == nil || dw.ctx.Err() != nil {
		b.mu.Unlock()
		w.stopConsuming()
		return
	}
	b.bg.Add(1)
	b.mu.Unlock()
	defer b.bg.Done()
	defer w.stopConsuming()
	cons, err := w.createConsumer(b.bgCtx, true)
	if err != nil {
		w.mu.Lock()
		cons = w.cons
		w.mu.Unlock()
	}
	grace := time.Now().Add(b.cfg.callTimeout)
	t := time.NewTicker(pollEvery / 4)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
		}
		if time.Now().Before(grace) {
			continue
		}
		cctx, cancel := b.call(b.bgCtx)
		info, err := cons.Info(cctx)
		cancel()
		if err == nil && info.NumPending == 0 && info.NumAckPending == 0 {
			b.mu.Lock()
			delete(b.workers, w.id) // none of its jobs is left here
			b.mu.Unlock()
			return
		}
	}
}

// Adopting: a worker Exec started is served by its node alone, so when
// that node dies nothing would take its jobs. Every node looks, every
// AckWait, for the consumers of workers of the flows it serves that have
// jobs and nobody pulling them (no pull request waits: their node is gone,
// or stopped pulling for longer than its requests live), and serves them
// too; the pinned-client policy then hands the worker to one of them, and
// the new owner loads its state, as for a flow's default worker. A worker
// whose Exec ended (marked stopped) is not adopted.

func (b *Backend) adoptLoop() {
	defer b.bg.Done()
	t := time.NewTicker(b.cfg.ackWait)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
		}
		if b.nc.IsConnected() {
			b.adopt()
		}
	}
}

// adopt serves the orphaned workers of the flows this node serves.
func (b *Backend) adopt() {
	flows := map[string]bool{}
	b.mu.Lock()
	for _, w := range b.workers {
		if w.id == runtime.DefaultWorkerID(w.flow) {
			flows[w.flow] = true // registered here (not post-only)
		}
	}
	b.mu.Unlock()
	if len(flows) == 0 {
		return
	}
	ctx, cancel := b.call(b.bgCtx)
	defer cancel()
	var orphans []*jetstream.ConsumerInfo
	stopped := map[string]bool{} // workers whose Exec ended, by id
	l := b.stream.ListConsumers(ctx)
	for info := range l.Info() {
		m := info.Config.Metadata
		if m[workerKey] != "" && m[stoppedKey] != "" {
			stopped[m[workerKey]] = true
		}
		if flows[m[flowKey]] && m[workerKey] != "" && m[stoppedKey] == "" &&
			info.NumWaiting == 0 && info.NumPending+uint64(info.NumAckPending) > 0 {
			orphans = append(orphans, info)
		}
	}
	b.dropStopped(stopped)
	for _, info := range orphans {
		m := info.Config.Metadata
		b.mu.Lock()
		_, served := b.workers[m[workerKey]]
		b.mu.Unlock()
		if !served {
			// Until the node closes (bgCtx ends then), or the worker's
			// Exec ends on its node (dropStopped).
			_ = b.serve(b.bgCtx, m[flowKey], m[workerKey], true)
		}
	}
}

// dropStopped ends serving the workers this node adopted whose Exec ended
// on their own node since (their consumers marked stopped, by id in
// stopped). Else an adopted worker, its state and its consumer would stay
// here for the node's life. A consumer deleted underneath is not a stop:
// it is made again (see heal).
func (b *Backend) dropStopped(stopped map[string]bool) {
	var gone []*served
	b.mu.Lock()
	for id, w := range b.workers {
		if w.adopted && stopped[id] && !w.dropping {
			w.dropping = true
			gone = append(gone, w)
		}
	}
	if b.closed {
		gone = nil
	}
	b.bg.Add(len(gone))
	b.mu.Unlock()
	for _, w := range gone {
		go w.drop()
	}
}

// drop ends serving an adopted worker that stopped: this node stops
// consuming its jobs (its own node takes what is left, see retire), tells
// the runtime, which forgets the worker once its jobs here are over and
// saved, and forgets it too once none of its jobs runs here.
func (w *served) drop() {
	b := w.b
	defer b.bg.Done()
	w.stopConsuming()
	b.node.StopWorker(w.id)
	t := time.NewTicker(pollEvery / 4)
	defer t.Stop()
	for {
		w.mu.Lock()
		busy := len(w.inflight) > 0
		w.mu.Unlock()
		if !busy {
			b.mu.Lock()
			delete(b.workers, w.id)
			b.mu.Unlock()
			return
		}
		select {
		case <-b.stop:
			return
		case <-t.C:
		}
	}
}

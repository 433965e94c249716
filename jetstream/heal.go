package jetstream

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Healing: the jobs stream, a bucket or a worker's consumer deleted while
// nodes run (by an operator, or by a server that lost its store) is made
// again, so that the node serves on. Without it, a node whose consumer
// went consumed nothing ever again, and a job whose record or state could
// not be written ran again and again. What the deleted stream or bucket
// held is lost with it: jobs waiting in it, records, worker state.

// healAfter is how long the heal loop waits, once asked, before it looks:
// a deletion the server is still carrying out ends first (a stream made
// again while the server still removes the old one's files can be left
// unusable), and a burst of failed calls makes one round.
const healAfter = time.Second

// checkGone asks the heal loop to look for a stream, bucket or consumer
// that is gone, when err says one may be. It never blocks.
func (b *Backend) checkGone(err error) {
	if !mayBeGone(err) {
		return
	}
	select {
	case b.healReq <- struct{}{}:
	default:
	}
}

// mayBeGone reports an error of a call to a stream, bucket or consumer
// that does not exist (a direct get to a deleted bucket finds no
// responders; a publish to a deleted stream, no stream response).
func mayBeGone(err error) bool {
	for _, gone := range []error{nats.ErrNoResponders, jetstream.ErrNoStreamResponse, jetstream.ErrStreamNotFound,
		jetstream.ErrBucketNotFound, jetstream.ErrConsumerNotFound, jetstream.ErrConsumerDeleted} {
		if errors.Is(err, gone) {
			return true
		}
	}
	return false
}

func (b *Backend) healLoop() {
	defer b.bg.Done()
	for {
		select {
		case <-b.stop:
			return
		case <-b.healReq:
		}
		select {
		case <-b.stop:
			return
		case <-time.After(healAfter):
		}
		if b.nc.IsConnected() {
			b.heal(b.bgCtx)
		}
	}
}

// heal makes again what is gone: first the stream and buckets (reads
// only, when all are there), then the consumers of the workers served
// here.
func (b *Backend) heal(ctx context.Context) {
	cctx, cancel := b.call(ctx)
	_, err := b.js.Stream(cctx, b.cfg.prefix+"_JOBS")
	cancel()
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		cctx, cancel := b.call(ctx)
		_, _ = b.js.CreateStream(cctx, b.streamConfig())
		cancel()
	}
	for _, kc := range []jetstream.KeyValueConfig{b.recordsConfig(), b.stateConfig()} {
		cctx, cancel := b.call(ctx)
		_, err := b.js.KeyValue(cctx, kc.Bucket)
		if errors.Is(err, jetstream.ErrBucketNotFound) {
			_, _ = b.js.CreateKeyValue(cctx, kc)
		}
		cancel()
	}
	b.mu.Lock()
	ws := make([]*served, 0, len(b.workers))
	for _, w := range b.workers {
		ws = append(ws, w)
	}
	b.mu.Unlock()
	for _, w := range ws {
		w.heal(ctx)
	}
}

// heal makes the worker's consumer again if it is gone, and consumes
// from it anew: the consumption of a deleted consumer has stopped.
func (w *served) heal(ctx context.Context) {
	if w.ctx.Err() != nil {
		return // no longer served
	}
	w.mu.Lock()
	cons := w.cons
	w.mu.Unlock()
	if cons == nil {
		return // Serve is making it
	}
	cctx, cancel := w.b.call(ctx)
	_, err := cons.Info(cctx)
	cancel()
	if !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return
	}
	if cons, err = w.createConsumer(ctx, false); err != nil {
		return // the next failure asks again
	}
	w.stopConsuming()
	w.mu.Lock()
	w.cons = cons
	w.mu.Unlock()
	_ = w.startConsuming()
}

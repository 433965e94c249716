package jetstream

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/routigen/routigen/runtime"
)

// Cancelling a job from another node: the canceller records the job
// cancelled (the first record wins, so a job that already ended keeps its
// outcome) and announces it on PREFIX.cancel; the node running the job
// ends its run, and every node remembers the id for a while, so that a
// delivery still queued for it is acknowledged without a run.

const forgetCancelled = 10 * time.Minute

// Cancel implements runtime.Backend.
func (b *Backend) Cancel(ctx context.Context, spec *runtime.JobSpec, cause error) error {
	if b.shared.Load() {
		return errShared
	}
	rec := encodeRecord(spec, runtime.Outcome{Status: runtime.JobCancelled, Err: cause, CompletedAt: time.Now()})
	cctx, cancel := b.call(ctx)
	_, err := b.records.Create(cctx, token(spec.ID), rec)
	cancel()
	switch {
	case err == nil:
		if _, o, derr := decodeRecord(rec); derr == nil {
			b.watches.report(token(spec.ID), o)
		}
	case casConflict(err):
		return nil // it ended already: its record stands, and Watch reports it
	default:
		return fmt.Errorf("jetstream: cancel %q: %w", spec.ID, err)
	}
	if err := b.nc.Publish(b.cancelSubject(), []byte(spec.ID+"\n"+cause.Error())); err != nil {
		return fmt.Errorf("jetstream: cancel %q: %w", spec.ID, err)
	}
	return nil
}

func (b *Backend) cancelSubject() string { return b.cfg.prefix + ".cancel" }

// subscribeCancels listens for jobs cancelled on other nodes.
func (b *Backend) subscribeCancels() (*nats.Subscription, error) {
	return b.nc.Subscribe(b.cancelSubject(), func(m *nats.Msg) {
		id, msg, _ := strings.Cut(string(m.Data), "\n")
		b.mu.Lock()
		b.cancelled[id] = time.Now()
		b.mu.Unlock()
		b.node.Cancel(id, &JobError{Msg: msg, kind: errCanceled})
	})
}

// wasCancelled reports a job cancelled from another node lately.
func (b *Backend) wasCancelled(id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.cancelled[id]
	return ok
}

// forgetCancels drops the cancelled ids older than forgetCancelled.
func (b *Backend) forgetCancels() {
	cutoff := time.Now().Add(-forgetCancelled)
	b.mu.Lock()
	defer b.mu.Unlock()
	for id, at := range b.cancelled {
		if at.Before(cutoff) {
			delete(b.cancelled, id)
		}
	}
}

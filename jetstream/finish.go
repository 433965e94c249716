package jetstream

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/routigen/routigen/runtime"
)

// afterRecord, when set (by fault tests only, before any backend starts),
// runs between writing a job's record and acknowledging it.
var afterRecord func(jobID string)

// finishItem is a job that ended on this node (or could not start), to be
// finished with the server: state, record, ack, in that order.
type finishItem struct {
	w        *served
	spec     *runtime.JobSpec
	msg      jetstream.Msg
	outcome  runtime.Outcome
	released bool
	// skipState: the worker's state was not loaded; writing it could only
	// overwrite the stored one.
	skipState bool
}

// finisher writes what ended jobs leave to write, on a few goroutines of
// its own: the runtime's pool hands jobs over and never waits on the server.
type finisher struct {
	b       *Backend
	mu      sync.Mutex
	queue   []finishItem
	wake    chan struct{}
	acks    chan pendingRecord // records written, not yet confirmed
	pending int                // pushed and not yet finished; guarded by mu
	idle    chan struct{}      // closed when pending drops to 0, made by drain
}

func (f *finisher) init(b *Backend) {
	f.b = b
	f.wake = make(chan struct{}, 1)
	f.acks = make(chan pendingRecord, 4096)
}

func (f *finisher) push(it finishItem) {
	f.mu.Lock()
	f.pending++
	f.queue = append(f.queue, it)
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *finisher) pop() (finishItem, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.queue) == 0 {
		return finishItem{}, false
	}
	it := f.queue[0]
	f.queue[0] = finishItem{}
	f.queue = f.queue[1:]
	if len(f.queue) > 0 {
		select { // pass the wake-up on to another goroutine
		case f.wake <- struct{}{}:
		default:
		}
	}
	return it, true
}

// loop finishes jobs until the backend stops; what is left then goes back
// to the server for redelivery.
func (f *finisher) loop() {
	defer f.b.bg.Done()
	for {
		if it, ok := f.pop(); ok {
			f.finish(it)
			continue
		}
		select {
		case <-f.wake:
		case <-f.b.stop:
			for it, ok := f.pop(); ok; it, ok = f.pop() {
				f.settle(it, false)
			}
			return
		}
	}
}

// drain waits until every job handed over so far is finished, or ctx ends.
func (f *finisher) drain(ctx context.Context) error {
	f.mu.Lock()
	if f.pending == 0 {
		f.mu.Unlock()
		return nil
	}
	if f.idle == nil {
		f.idle = make(chan struct{})
	}
	idle := f.idle
	f.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f *finisher) done() {
	f.mu.Lock()
	f.pending--
	if f.pending == 0 && f.idle != nil {
		close(f.idle)
		f.idle = nil
	}
	f.mu.Unlock()
}

func (f *finisher) finish(it finishItem) {
	b, w, id := f.b, it.w, it.spec.ID
	if it.released || !b.nc.IsConnected() {
		// The node shut down under it, or the server is out of reach:
		// another node (or this one, later) runs it again.
		f.settle(it, false)
		return
	}
	o := it.outcome
	if it.skipState {
		// nothing to write
	} else if err := w.saveState(b.bgCtx); err != nil {
		var se *stateError
		switch {
		case errors.As(err, &se):
			o = runtime.Outcome{Status: runtime.JobFailed, Err: err, CompletedAt: o.CompletedAt}
		case errors.Is(err, errLostOwnership):
			// Not acknowledged: the job runs again on the new owner,
			// whose state this job's changes never reached.
			w.lose()
			f.settle(it, false)
			return
		default: // the server: try again later, elsewhere or here
			f.retry(it)
			return
		}
	}
	// The record is written asynchronously (first write wins: it expects
	// no earlier revision of its key); the acker acknowledges the job once
	// the server has it. Jobs finish in a pipeline, not one round trip
	// each.
	rec := b.record(it.spec, o)
	fut, err := b.js.PublishMsgAsync(&nats.Msg{Subject: b.recordSubject(id), Data: rec},
		jetstream.WithExpectLastSequencePerSubject(0))
	if err != nil {
		b.checkGone(err)
		f.retry(it)
		return
	}
	f.acks <- pendingRecord{it: it, fut: fut, rec: rec}
}

// record encodes a job's record. A record over the server's max payload
// could never be stored, and its job would run again forever: it becomes
// a failure saying so, without the result.
func (b *Backend) record(s *runtime.JobSpec, o runtime.Outcome) []byte {
	rec := encodeRecord(s, o)
	if limit, ok := b.maxValue(); ok && len(rec) > limit {
		o.Status, o.Result = runtime.JobFailed, nil
		o.Err = fmt.Errorf("jetstream: job %q: its result makes a record of %d bytes, over the server's max payload of %d bytes", s.ID, len(rec), limit)
		rec = encodeRecord(s, o)
	}
	return rec
}

// maxValue is the largest value the backend writes in one message: the
// server's max payload less room for the subject's headers of a checked
// write. ok is false when the connection has not learned it.
func (b *Backend) maxValue() (limit int, ok bool) {
	mp := b.nc.MaxPayload()
	return int(mp) - 256, mp > 256
}

// pendingRecord is a job whose record is on its way to the server.
type pendingRecord struct {
	it  finishItem
	fut jetstream.PubAckFuture
	rec []byte
}

// ackLoop acknowledges the jobs whose records the server stored, in the
// order they were written.
func (f *finisher) ackLoop() {
	defer f.b.bg.Done()
	for {
		select {
		case p := <-f.acks:
			f.recorded(p)
		case <-f.b.stop:
			for {
				select {
				case p := <-f.acks:
					f.recorded(p)
				default:
					return
				}
			}
		}
	}
}

// recorded waits for one record's write (bounded by the publish timeout)
// and acknowledges its job, or hands it back.
func (f *finisher) recorded(p pendingRecord) {
	id := p.it.spec.ID
	select {
	case <-p.fut.Ok():
	case err := <-p.fut.Err():
		if !recordExists(err) {
			f.b.checkGone(err)
			f.retry(p.it)
			return
		}
		f.settle(p.it, true) // a first run's record stands
		return
	}
	if afterRecord != nil {
		afterRecord(id)
	}
	f.settle(p.it, true)
	if _, out, err := decodeRecord(p.rec); err == nil {
		f.b.watches.report(token(id), out) // local posters need not wait for the watch
	}
}

// settle acknowledges a job (its record is stored) or hands it back for
// another run, and counts it finished.
func (f *finisher) settle(it finishItem, ack bool) {
	if ack {
		_ = it.msg.Ack()
	} else {
		_ = it.msg.Nak()
	}
	it.w.untrack(it.spec.ID)
	f.done()
}

// retry hands back a job whose record or state the server did not take,
// for a later run: not at once, which while the fault lasts would run its
// logic again in a tight loop.
func (f *finisher) retry(it finishItem) {
	_ = it.msg.NakWithDelay(f.b.cfg.ackWait / 2)
	it.w.untrack(it.spec.ID)
	f.done()
}

// recordExists reports a record write refused because the key has a
// record already.
func recordExists(err error) bool { return casConflict(err) }

// casConflict reports a write refused because the key's revision is not
// the one expected: code 10071 on a single server, 10164 on replicated
// streams.
func casConflict(err error) bool {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode {
		case jetstream.JSErrCodeStreamWrongLastSequence, jetstream.JSErrCodeStreamWrongLastSequenceConstant:
			return true
		}
	}
	return errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch)
}

package jetstream

import (
	"context"
	"errors"
	"sync"

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
}

// finisher writes what ended jobs leave to write, on a few goroutines of
// its own: the runtime's pool hands jobs over and never waits on the server.
type finisher struct {
	b       *Backend
	mu      sync.Mutex
	queue   []finishItem
	wake    chan struct{}
	pending int           // pushed and not yet finished; guarded by mu
	idle    chan struct{} // closed when pending drops to 0, made by drain
}

func (f *finisher) init(b *Backend) {
	f.b = b
	f.wake = make(chan struct{}, 1)
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
				it.w.untrack(it.spec.ID)
				_ = it.msg.Nak()
				f.done()
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
	defer f.done()
	b, w, id := f.b, it.w, it.spec.ID
	defer w.untrack(id)
	if it.released || !b.nc.IsConnected() {
		// The node shut down under it, or the server is out of reach:
		// another node (or this one, later) runs it again.
		_ = it.msg.Nak()
		return
	}
	o := it.outcome
	if err := w.saveState(b.bgCtx); err != nil {
		var se *stateError
		switch {
		case errors.As(err, &se):
			o = runtime.Outcome{Status: runtime.JobFailed, Err: err, CompletedAt: o.CompletedAt}
		case errors.Is(err, errLostOwnership):
			// Not acknowledged: the job runs again on the new owner,
			// whose state this job's changes never reached.
			w.lose()
			return
		default: // the server: try again later, elsewhere or here
			_ = it.msg.Nak()
			return
		}
	}
	rec := encodeRecord(it.spec, o)
	ctx, cancel := b.call(b.bgCtx)
	_, err := b.records.Create(ctx, token(id), rec)
	cancel()
	if err != nil && !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		_ = it.msg.Nak()
		return
	}
	if afterRecord != nil {
		afterRecord(id)
	}
	_ = it.msg.Ack()
	if err == nil {
		if _, out, derr := decodeRecord(rec); derr == nil {
			b.watches.report(token(id), out) // local posters need not wait for the watch
		}
	}
}

package jetstream

import (
	"context"
	"errors"
	"sync"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/routigen/routigen/runtime"
)

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
	pending sync.WaitGroup
}

func (f *finisher) init(b *Backend) {
	f.b = b
	f.wake = make(chan struct{}, 1)
}

func (f *finisher) push(it finishItem) {
	f.pending.Add(1)
	f.mu.Lock()
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
				f.pending.Done()
			}
			return
		}
	}
}

// drain waits until every job handed over so far is finished, or ctx ends.
func (f *finisher) drain(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		f.pending.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f *finisher) finish(it finishItem) {
	defer f.pending.Done()
	b, w, id := f.b, it.w, it.spec.ID
	defer w.untrack(id)
	if it.released {
		_ = it.msg.Nak() // the node shut down under it: another node runs it
		return
	}
	o := it.outcome
	if err := w.saveState(context.Background()); err != nil {
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
	ctx, cancel := b.call(context.Background())
	_, err := b.records.Create(ctx, token(id), rec)
	cancel()
	if err != nil && !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		_ = it.msg.Nak()
		return
	}
	_ = it.msg.Ack()
	if err == nil {
		if _, out, derr := decodeRecord(rec); derr == nil {
			b.watches.report(token(id), out) // local posters need not wait for the watch
		}
	}
}

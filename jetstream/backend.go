package jetstream

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/routigen/routigen/runtime"
)

// Backend runs a routigen runtime as one node of a cluster over NATS
// JetStream: pass it to runtime.New with runtime.WithBackend. One Backend
// serves one runtime: given to a second, every call of both fails, saying
// so.
type Backend struct {
	cfg     config
	nc      *nats.Conn
	js      jetstream.JetStream
	stream  jetstream.Stream
	records jetstream.KeyValue
	state   jetstream.KeyValue
	subject string // prefix of job subjects: P.jobs

	node *runtime.Node
	// learned holds the flows whose typed payloads are registered (see
	// learnTypes).
	learned sync.Map

	mu        sync.Mutex
	workers   map[string]*served   // by worker id
	cancelled map[string]time.Time // job ids cancelled on other nodes, when
	cancelSub *nats.Subscription
	closed    bool

	fin     finisher
	watches watchSet

	healReq chan struct{} // see checkGone
	shared  atomic.Bool   // Open ran twice: see errShared

	stop chan struct{}  // closed by Close: ends the background loops
	bg   sync.WaitGroup // the background loops
	// bgCtx bounds the server calls of the background loops: Close ends
	// it, so that no loop waits out a call to a lost server.
	bgCtx    context.Context
	bgCancel context.CancelFunc
}

// NewBackend creates, or reuses, the backend's stream and buckets on the
// NATS system nc is connected to. nc stays the caller's: Close does not
// close it.
func NewBackend(nc *nats.Conn, opts ...Option) (*Backend, error) {
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("jetstream: new backend: %w", err)
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(cfg.callTimeout))
	if err != nil {
		return nil, fmt.Errorf("jetstream: new backend: %w", err)
	}
	b := &Backend{cfg: cfg, nc: nc, js: js, subject: cfg.prefix + ".jobs",
		workers: map[string]*served{}, cancelled: map[string]time.Time{}, stop: make(chan struct{}),
		healReq: make(chan struct{}, 1)}
	b.bgCtx, b.bgCancel = context.WithCancel(context.Background())
	if err := b.provision(); err != nil {
		b.bgCancel()
		return nil, fmt.Errorf("jetstream: new backend: %w", err)
	}
	b.fin.init(b)
	b.watches.init()
	return b, nil
}

// call bounds one request to the server: the caller's ctx, and at most
// CallTimeout.
func (b *Backend) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, b.cfg.callTimeout)
}

// errShared is every call's error once a Backend was given to a second
// runtime.
var errShared = errors.New("jetstream: the Backend was given to a second runtime: one Backend serves one runtime (make one per runtime.New)")

// Open implements runtime.Backend: it starts the background loops. A
// second Open (the Backend given to a second runtime) makes every later
// call fail: shared, the runtimes would take each other's jobs, and the
// first Close would leave the other's posts waiting for ever.
func (b *Backend) Open(node *runtime.Node) {
	b.mu.Lock()
	opened := b.node != nil
	if !opened {
		b.node = node
	}
	b.mu.Unlock()
	if opened {
		b.shared.Store(true)
		return
	}
	if sub, err := b.subscribeCancels(); err == nil {
		b.cancelSub = sub
	} // else: a cancel from another node still records the job cancelled
	b.bg.Add(5 + b.cfg.finishers)
	for range b.cfg.finishers {
		go b.fin.loop()
	}
	go b.fin.ackLoop()
	go b.watches.loop(b)
	go b.progressLoop()
	go b.healLoop()
	go b.adoptLoop()
}

// Submit implements runtime.Backend: it publishes the job with its id as
// Nats-Msg-Id, so that a second publication within the duplicate window is
// dropped by the server. A job posted WithJobID is published only if no
// job of its id is queued or running, on any worker, nor has a record (it
// ran, however long ago) and, atomically, no message waits on its subject.
func (b *Backend) Submit(ctx context.Context, s *runtime.JobSpec) error {
	if b.shared.Load() {
		return errShared
	}
	b.learnTypes(s.FlowID)
	body, err := encodeSpec(s)
	if err != nil {
		return fmt.Errorf("jetstream: job %q: %w", s.ID, err)
	}
	if limit, ok := b.maxValue(); ok && len(body) > limit {
		return fmt.Errorf("jetstream: job %q: %d bytes with its entry message and metadata, over the server's max payload of %d bytes", s.ID, len(body), limit)
	}
	if err := b.knownWorker(ctx, s); err != nil {
		return err
	}
	opts := []jetstream.PublishOpt{jetstream.WithMsgID(s.ID)}
	if s.Named {
		opts = append(opts, jetstream.WithExpectLastSequencePerSubject(0))
		if posted, err := b.posted(ctx, s.ID); posted || err != nil {
			return err // that job stands
		}
	}
	cctx, cancel := b.call(ctx)
	defer cancel()
	_, err = b.js.Publish(cctx, b.jobSubject(s.WorkerID, s.ID), body, opts...)
	if s.Named && casConflict(err) {
		return nil // queued or running: that job stands
	}
	if err != nil {
		b.checkGone(err)
		return fmt.Errorf("jetstream: publish job %q: %w", s.ID, err)
	}
	return nil
}

// posted reports a job of that id queued or running on any worker, or
// recorded. The queue is read first: a job leaves it only once its record
// is written, so a job that ends between the reads is found by the second.
func (b *Backend) posted(ctx context.Context, jobID string) (bool, error) {
	cctx, cancel := b.call(ctx)
	_, err := b.stream.GetLastMsgForSubject(cctx, b.subject+".*."+token(jobID))
	cancel()
	switch {
	case err == nil:
		return true, nil
	case !errors.Is(err, jetstream.ErrMsgNotFound):
		b.checkGone(err)
		return false, fmt.Errorf("jetstream: job %q: %w", jobID, err)
	}
	cctx, cancel = b.call(ctx)
	_, err = b.records.Get(cctx, token(jobID))
	cancel()
	switch {
	case err == nil:
		return true, nil
	case !errors.Is(err, jetstream.ErrKeyNotFound):
		b.checkGone(err)
		return false, fmt.Errorf("jetstream: job %q: %w", jobID, err)
	}
	return false, nil
}

// recordSubject is where the record of jobID is written: its key in the
// records bucket.
func (b *Backend) recordSubject(jobID string) string {
	return "$KV." + b.cfg.prefix + "_records." + token(jobID)
}

func (b *Backend) jobSubject(workerID, jobID string) string {
	return b.subject + "." + token(workerID) + "." + token(jobID)
}

// Lookup implements runtime.Backend: the record if the job ended, else the
// job as it waits in the stream.
func (b *Backend) Lookup(ctx context.Context, jobID string) (*runtime.JobSpec, *runtime.Outcome, error) {
	if b.shared.Load() {
		return nil, nil, errShared
	}
	for range 2 { // the job may be acknowledged between the two reads
		if spec, o, err := b.getRecord(ctx, jobID); err != nil || spec != nil {
			return spec, o, err
		}
		cctx, cancel := b.call(ctx)
		msg, err := b.stream.GetLastMsgForSubject(cctx, b.subject+".*."+token(jobID))
		cancel()
		switch {
		case err == nil:
			spec, err := decodeSpec(msg.Data)
			if spec != nil {
				// Its data may not read here, but the job is known: the
				// view waits for the record, which says why it failed.
				err = nil
			}
			return spec, nil, err
		case !errors.Is(err, jetstream.ErrMsgNotFound):
			return nil, nil, fmt.Errorf("jetstream: lookup %q: %w", jobID, err)
		}
	}
	return nil, nil, runtime.ErrUnknownJob
}

// getRecord reads a job's record: nil spec when there is none yet.
func (b *Backend) getRecord(ctx context.Context, jobID string) (*runtime.JobSpec, *runtime.Outcome, error) {
	cctx, cancel := b.call(ctx)
	e, err := b.records.Get(cctx, token(jobID))
	cancel()
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("jetstream: record of %q: %w", jobID, err)
	}
	spec, o, err := decodeRecord(e.Value())
	if err != nil {
		return nil, nil, fmt.Errorf("jetstream: record of %q: %w", jobID, err)
	}
	return spec, &o, nil
}

// Close implements runtime.Backend: it stops consuming, writes what the
// node's last jobs left to write (until ctx ends), then stops the
// background loops. Jobs it could not finish are redelivered elsewhere.
func (b *Backend) Close(ctx context.Context) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	ws := make([]*served, 0, len(b.workers))
	for _, w := range b.workers {
		ws = append(ws, w)
	}
	b.mu.Unlock()
	for _, w := range ws {
		w.stopConsuming()
	}
	if b.cancelSub != nil {
		_ = b.cancelSub.Unsubscribe()
	}
	// Finishing is bounded even for Close's context.Background: what is
	// not finished by then runs again elsewhere.
	dctx, cancel := context.WithTimeout(ctx, 2*b.cfg.callTimeout)
	err := b.fin.drain(dctx)
	cancel()
	close(b.stop)
	b.bgCancel()
	b.bg.Wait()
	b.watches.stopAll()
	if err != nil {
		return fmt.Errorf("jetstream: close: %w", err)
	}
	return nil
}

// progressLoop tells the server, every third of AckWait, that the node's
// running jobs are still running, so that none is redelivered while it
// runs, however long.
func (b *Backend) progressLoop() {
	defer b.bg.Done()
	t := time.NewTicker(b.cfg.ackWait / 3)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
		}
		b.mu.Lock()
		ws := make([]*served, 0, len(b.workers))
		for _, w := range b.workers {
			ws = append(ws, w)
		}
		b.mu.Unlock()
		for _, w := range ws {
			w.inProgress()
		}
		b.forgetCancels()
	}
}

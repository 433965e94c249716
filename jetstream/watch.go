package jetstream

import (
	"context"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/routigen/routigen/runtime"
)

// watchSet tells the views of remote jobs their outcomes. One watcher on
// the records bucket serves every job watched on this node; a poll every
// pollEvery reads the record of each job watched for longer, because a
// watch can stall for many seconds after the server it used is lost.
type watchSet struct {
	mu    sync.Mutex
	byKey map[string]map[uint64]*watch // by token(job id)
	next  uint64
}

type watch struct {
	report func(runtime.Outcome)
	since  time.Time
}

const (
	pollEvery = time.Second
	pollMax   = 1000 // records read per poll, oldest watches first
)

func (s *watchSet) init() { s.byKey = map[string]map[uint64]*watch{} }

// Watch implements runtime.Backend.
func (b *Backend) Watch(jobID string, report func(runtime.Outcome)) (stop func()) {
	s := &b.watches
	key := token(jobID)
	s.mu.Lock()
	s.next++
	n := s.next
	if s.byKey[key] == nil {
		s.byKey[key] = map[uint64]*watch{}
	}
	s.byKey[key][n] = &watch{report: report, since: time.Now()}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		if m := s.byKey[key]; m != nil {
			delete(m, n)
			if len(m) == 0 {
				delete(s.byKey, key)
			}
		}
		s.mu.Unlock()
	}
}

// report hands the outcome of the job under key to its watchers, once.
func (s *watchSet) report(key string, o runtime.Outcome) {
	s.mu.Lock()
	m := s.byKey[key]
	delete(s.byKey, key)
	s.mu.Unlock()
	for _, w := range m {
		w.report(o)
	}
}

func (s *watchSet) stopAll() {
	s.mu.Lock()
	s.byKey = map[string]map[uint64]*watch{}
	s.mu.Unlock()
}

// loop runs the records watcher, remaking it when it fails, and the poll.
func (s *watchSet) loop(b *Backend) {
	defer b.bg.Done()
	ctx := b.bgCtx
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	// The watcher lives as long as its ctx, the backend's, which Close
	// ends: no Stop here, which asks the server and could wait on a lost
	// one.
	var kw jetstream.KeyWatcher
	var updates <-chan jetstream.KeyValueEntry
	for {
		if kw == nil && b.nc.IsConnected() { // else a request that may outlive Close
			w, err := b.records.WatchAll(ctx, jetstream.UpdatesOnly(), jetstream.IgnoreDeletes())
			if err == nil {
				kw, updates = w, w.Updates()
			}
		}
		select {
		case <-b.stop:
			return
		case e, ok := <-updates:
			if !ok {
				kw, updates = nil, nil
				continue
			}
			if e != nil {
				s.deliver(e.Key(), e.Value())
			}
		case <-tick.C:
			s.poll(b)
		}
	}
}

func (s *watchSet) deliver(key string, rec []byte) {
	s.mu.Lock()
	_, watched := s.byKey[key]
	s.mu.Unlock()
	if !watched {
		return
	}
	if _, o, err := decodeRecord(rec); err == nil {
		s.report(key, o)
	}
}

// poll reads the records of jobs watched for longer than pollEvery, under
// one deadline for the round.
func (s *watchSet) poll(b *Backend) {
	cutoff := time.Now().Add(-pollEvery)
	var keys []string
	s.mu.Lock()
	for key, m := range s.byKey {
		for _, w := range m {
			if w.since.Before(cutoff) {
				keys = append(keys, key)
				break
			}
		}
		if len(keys) == pollMax {
			break
		}
	}
	s.mu.Unlock()
	if len(keys) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(b.bgCtx, pollEvery)
	defer cancel()
	for _, key := range keys {
		e, err := b.records.Get(ctx, key)
		if err == nil {
			s.deliver(key, e.Value())
		} else if ctx.Err() != nil {
			return
		}
	}
}

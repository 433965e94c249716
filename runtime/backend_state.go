package runtime

import (
	"fmt"
	"maps"
	"sync"
)

// StateCodec encodes and decodes one worker-state type for a [Backend],
// which persists worker-scope cells. Generated code supplies one per
// worker-scope state type, through [WorkerCell]: Encode writes the value
// keyed by field name, unexported fields included, and Decode reads what
// any earlier version of the type wrote (a field it does not know is
// skipped, a field missing keeps its zero value). A value that cannot be
// encoded (a func, a chan) is an error naming the field. Neither may keep
// the pointer. A panic in either is an error naming the cell and wrapping a
// [*PanicError] (Func "StateCodec.Encode" or "StateCodec.Decode").
type StateCodec[T any] struct {
	Encode func(*T) ([]byte, error)
	Decode func([]byte, *T) error
}

// persisted is a worker cell as the persistence code sees it, whatever its
// type.
type persisted interface {
	Key() string
	// encodeIfChanged encodes the value unless its write count is still
	// prev; seq is the count the encoding reflects.
	encodeIfChanged(prev uint64) (data []byte, seq uint64, changed bool, err error)
	// restore replaces the value with the decoded data (the zero value for
	// nil) and returns the write count after it.
	restore(data []byte) (seq uint64, err error)
	// writeCount is the cell's write count, as encodeIfChanged sees it.
	writeCount() uint64
}

func (c *Cell[T]) writeCount() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}

func (c *Cell[T]) encodeIfChanged(prev uint64) ([]byte, uint64, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	seq := c.writes
	if seq == prev {
		return nil, seq, false, nil
	}
	if c.codec.Encode == nil {
		return nil, seq, true, fmt.Errorf("worker state %q: no state codec to persist it with (generated accessors pass one: run routigen gen)", c.key)
	}
	var b []byte
	err := callCodec("Encode", c.key, func() (err error) {
		b, err = c.codec.Encode(&c.v)
		return err
	})
	return b, seq, true, err
}

func (c *Cell[T]) restore(data []byte) (uint64, error) {
	c.Lock()
	defer c.Unlock()
	var zero T
	c.v = zero
	if data != nil {
		if err := c.decode(data); err != nil {
			return 0, err
		}
	}
	return c.writes + 1, nil // the count once Unlock ran
}

func (c *Cell[T]) decode(data []byte) error {
	if c.codec.Decode == nil {
		return fmt.Errorf("worker state %q: the store holds a value but there is no state codec to read it with (generated accessors pass one: run routigen gen)", c.key)
	}
	return callCodec("Decode", c.key, func() error { return c.codec.Decode(data, &c.v) })
}

// callCodec runs fn, a call of a cell's codec (code of the user's, or
// generated from it), and names the cell in its error. A panic in it is an
// error wrapping a *PanicError whose Func is "StateCodec.Encode" or
// "StateCodec.Decode": the codec runs under the cell's lock, and under the
// worker's cell store lock, which a panic must not leave held, and on the
// goroutine of a Backend, which it must not crash.
func callCodec(what, key string, fn func() error) error {
	var err error
	if perr := protect("StateCodec."+what, "", func() { err = fn() }); perr != nil {
		err = perr
	}
	if err != nil {
		return fmt.Errorf("worker state %q: %w", key, err)
	}
	return nil
}

// restoreLocked decodes a new cell from what the node loaded for its key,
// if anything. s.mu is held; nobody else has the cell yet.
func (c *Cell[T]) restoreLocked(s *cellStore) error {
	data, ok := s.loaded[c.key]
	if !ok {
		return nil
	}
	if err := c.decode(data); err != nil {
		return err
	}
	delete(s.loaded, c.key)
	return nil
}

// WorkerSnapshot is the persisted state of one worker: its typed cells,
// encoded by their state codecs and keyed by [Cell.Key], and the untyped
// per-routine state of [WorkerState.UpdateRoutineState], by routine id.
type WorkerSnapshot struct {
	Cells map[string][]byte
	// Routines is nil in what Node.SaveWorker returns when the untyped
	// state has not changed since the last save or load.
	Routines map[string]Message
}

// persistState is what a worker's persistence remembers between saves:
// the last saved document and the write counts it reflects.
type persistState struct {
	mu      sync.Mutex
	doc     map[string][]byte
	seqs    map[string]uint64
	userVer uint64
	// offered holds, by key, the write count of a cell whose last save
	// failed to encode it: a save saw those writes (and failed its job
	// saying why), so they do not keep the worker unsaved (see unsaved).
	offered map[string]uint64
}

// save encodes the cells written since the last save or load and reports
// whether anything changed.
func (w *WorkerState) save() (WorkerSnapshot, bool, error) {
	p := &w.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.doc == nil {
		p.doc, p.seqs = map[string][]byte{}, map[string]uint64{}
	}
	s := &w.cells
	s.mu.RLock()
	cells := make([]any, 0, len(s.cells))
	for _, c := range s.cells {
		cells = append(cells, c)
	}
	s.mu.RUnlock()
	changed := false
	for _, c := range cells {
		pc, ok := c.(persisted)
		if !ok {
			continue
		}
		key := pc.Key()
		data, seq, ch, err := pc.encodeIfChanged(p.seqs[key])
		if err != nil {
			if p.offered == nil {
				p.offered = map[string]uint64{}
			}
			p.offered[key] = seq
			return WorkerSnapshot{}, false, err
		}
		if ch {
			p.doc[key], p.seqs[key], changed = data, seq, true
		}
	}
	snap := WorkerSnapshot{Cells: maps.Clone(p.doc)}
	w.mu.Lock()
	if w.userVer != p.userVer {
		snap.Routines = make(map[string]Message, len(w.user))
		for id, m := range w.user {
			snap.Routines[id] = maps.Clone(m)
		}
		p.userVer, changed = w.userVer, true
	}
	w.mu.Unlock()
	return snap, changed, nil
}

// unsaved reports whether the worker's state was written since a save last
// saw it: a worker that stopped is kept until a save has seen every write
// of its jobs (see Runtime.forget).
func (w *WorkerState) unsaved() bool {
	p := &w.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &w.cells
	s.mu.RLock()
	cells := make([]persisted, 0, len(s.cells))
	for _, c := range s.cells {
		if pc, ok := c.(persisted); ok {
			cells = append(cells, pc)
		}
	}
	s.mu.RUnlock()
	for _, pc := range cells {
		key := pc.Key()
		n := pc.writeCount()
		if n != p.seqs[key] && (p.offered == nil || n != p.offered[key]) {
			return true
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.userVer != p.userVer
}

// load replaces the worker's state with snap: existing cells are decoded
// again (or reset when snap lacks them), the others on first use.
func (w *WorkerState) load(snap WorkerSnapshot) error {
	p := &w.persist
	p.mu.Lock()
	defer p.mu.Unlock()
	p.doc, p.seqs, p.offered = maps.Clone(snap.Cells), map[string]uint64{}, nil
	if p.doc == nil {
		p.doc = map[string][]byte{}
	}
	s := &w.cells
	s.mu.Lock()
	s.loaded = maps.Clone(p.doc)
	var errs []error
	for _, c := range s.cells {
		pc, ok := c.(persisted)
		if !ok {
			continue
		}
		key := pc.Key()
		data := s.loaded[key]
		delete(s.loaded, key)
		seq, err := pc.restore(data)
		if err != nil {
			errs = append(errs, err)
		}
		p.seqs[key] = seq
	}
	s.mu.Unlock()
	w.mu.Lock()
	w.user = make(map[string]Message, len(snap.Routines))
	for id, m := range snap.Routines {
		w.user[id] = maps.Clone(m)
	}
	p.userVer = w.userVer
	w.mu.Unlock()
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

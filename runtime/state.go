package runtime

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Sharing says how a typed state value is namespaced.
type Sharing uint8

const (
	// PerRoutine namespaces state by the routine id of the activation, so
	// two instances of one routine type never share it.
	PerRoutine Sharing = iota
	// PerFlow namespaces state by the flow: every routine of the same job
	// (job scope) or worker (worker scope) sees the same value.
	PerFlow
)

func (s Sharing) String() string {
	if s == PerFlow {
		return "shared"
	}
	return "routine"
}

// Cell holds one typed state value under its own lock. Generated accessors
// (//routigen:state) are thin wrappers around a *Cell: use them rather than
// a Cell. The value is never boxed through JobContext.SetData, so reading a
// field allocates nothing.
//
// Beside the value, a Cell keeps one atomic word per scalar field of T (a
// field whose type is a boolean, an integer or a float32/float64): every
// writer stores each such field into its word before it releases the
// lock, so the word always holds what a locked read of the field would
// return, and a getter loads it without taking the lock. That read is an
// ordinary atomic load, race-free by the Go memory model, on every
// platform, under the race detector or not.
//
// Key and Update are for anyone holding a Cell. RLock, RUnlock, Lock,
// Unlock and Word are what generated accessors are made of, with JobCell
// and WorkerCell that make cells; code of your own should use the
// accessors, which pair them correctly.
//
// The zero Cell is not usable; cells come from JobCell and WorkerCell.
type Cell[T any] struct {
	// mu is a plain Mutex, not an RWMutex: readers of scalar fields take
	// no lock at all, and a Mutex costs writers half the atomics.
	mu sync.Mutex
	v  T
	// words[i] mirrors scalar field i of v (see layoutOf), written only
	// under mu (write-locked) and read with atomic loads. A []uint64 with
	// the atomic functions rather than []atomic.Uint64: those are
	// intrinsics wherever Word is inlined.
	words  []uint64
	layout *scalarLayout
	// writes counts the writes of v, under mu: a Backend persists a
	// worker cell only when it changed.
	writes uint64
	key    string
	// codec, set when the cell is made, lets a Backend persist a
	// worker-scope cell (see StateCodec); zero for job-scope cells.
	codec StateCodec[T]
}

func newCell[T any](key string) *Cell[T] {
	c := &Cell[T]{key: key, layout: layoutOf[T]()}
	if n := len(c.layout.fields); n > 0 {
		c.words = make([]uint64, n)
	}
	return c
}

// Key returns the namespaced storage key: "NAME/ROUTINE" for per-routine
// state, "NAME@FLOW" for shared (PerFlow) state.
func (c *Cell[T]) Key() string { return c.key }

// Update runs fn on the value under the write lock: an atomic
// read-modify-write. fn must not keep the pointer. If fn panics, the value
// stays as fn left it and the lock is released.
func (c *Cell[T]) Update(fn func(*T)) {
	c.Lock()
	defer c.Unlock()
	fn(&c.v)
}

// RLock locks the cell for a read and returns the value, for generated
// getters of non-scalar fields. The caller must not keep the pointer past
// the matching RUnlock, nor write through it.
func (c *Cell[T]) RLock() *T {
	c.mu.Lock()
	return &c.v
}

// RUnlock undoes RLock.
func (c *Cell[T]) RUnlock() { c.mu.Unlock() }

// Lock write-locks the cell and returns the value, for generated setters.
// The caller must not keep the pointer past the matching Unlock.
func (c *Cell[T]) Lock() *T {
	c.mu.Lock()
	return &c.v
}

// Unlock brings the scalar words in step with the value and releases the
// lock taken by Lock.
func (c *Cell[T]) Unlock() {
	c.syncWords()
	c.writes++
	c.mu.Unlock()
}

// Word returns the i-th scalar field of the value, as generated getters
// read it without the lock: its bits, zero-extended (a bool is 0 or 1). i
// counts the fields of T whose type is a boolean, an integer or a float, in
// declaration order, unexported and untracked ones included; generated
// code converts the word back to the field's type.
func (c *Cell[T]) Word(i int) uint64 { return atomic.LoadUint64(&c.words[i]) }

// syncWords stores every scalar field of the value into its word. mu is
// write-locked.
func (c *Cell[T]) syncWords() {
	if len(c.words) == 0 {
		return
	}
	base := unsafe.Pointer(&c.v)
	for i, f := range c.layout.fields {
		p := unsafe.Add(base, f.off)
		var w uint64
		switch f.size {
		case 1:
			w = uint64(*(*uint8)(p))
		case 2:
			w = uint64(*(*uint16)(p))
		case 4:
			w = uint64(*(*uint32)(p))
		default:
			w = *(*uint64)(p)
		}
		atomic.StoreUint64(&c.words[i], w)
	}
}

// scalarLayout lists the scalar fields of a state type: where each lies
// in the value and how wide it is.
type scalarLayout struct {
	fields []scalarField
}

type scalarField struct {
	off  uintptr
	size uintptr
}

var layouts sync.Map // reflect.Type -> *scalarLayout

// layoutOf returns the scalar fields of T, computed once per type. A T that
// is not a struct has none.
func layoutOf[T any]() *scalarLayout {
	t := reflect.TypeFor[T]()
	if l, ok := layouts.Load(t); ok {
		return l.(*scalarLayout)
	}
	l := new(scalarLayout)
	if t.Kind() == reflect.Struct {
		for i := range t.NumField() {
			f := t.Field(i)
			if isScalar(f.Type.Kind()) {
				l.fields = append(l.fields, scalarField{off: f.Offset, size: f.Type.Size()})
			}
		}
	}
	got, _ := layouts.LoadOrStore(t, l)
	return got.(*scalarLayout)
}

func isScalar(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// cellKey identifies a cell within one job or worker. A struct key keeps the
// lookup allocation-free; the printable key is built once per cell. The
// sharing mode is part of it, so a shared type and a per-routine type of one
// storage name stay apart even when a routine id equals the flow id.
type cellKey struct {
	name    string
	ns      string
	sharing Sharing
}

// cellStore is the typed state of one job or one worker.
type cellStore struct {
	mu    sync.RWMutex
	cells map[cellKey]any
	// loaded holds a worker's persisted cells, by printable key, that no
	// accessor has asked for yet: the first one decodes its cell from it
	// (see Node.LoadWorker). Guarded by mu.
	loaded map[string][]byte
}

func cellFor[T any](s *cellStore, name, ns string, sharing Sharing, codec []StateCodec[T]) (*Cell[T], error) {
	k := cellKey{name: name, ns: ns, sharing: sharing}
	s.mu.RLock()
	got, ok := s.cells[k]
	s.mu.RUnlock()
	if !ok {
		s.mu.Lock()
		if got, ok = s.cells[k]; !ok {
			if s.cells == nil {
				s.cells = make(map[cellKey]any)
			}
			c := newCell[T](printableKey(name, ns, sharing))
			if len(codec) > 0 {
				c.codec = codec[0]
			}
			if err := c.restoreLocked(s); err != nil {
				s.mu.Unlock()
				return nil, err
			}
			c.syncWords() // nobody else has c yet
			got = c
			s.cells[k] = got
		}
		s.mu.Unlock()
	}
	c, ok := got.(*Cell[T])
	if !ok {
		return nil, fmt.Errorf("state %q holds %T, not %T: two state types share one storage name", name, got, c)
	}
	return c, nil
}

// printableKey is what Key returns: "NAME/ROUTINE" for per-routine state,
// "NAME@FLOW" for shared state.
func printableKey(name, ns string, sharing Sharing) string {
	if sharing == PerFlow {
		return name + "@" + ns
	}
	return name + "/" + ns
}

// JobCell returns the job-scope cell named name for the activation in ctx,
// creating it (holding T's zero value) on first use. With PerRoutine it is
// namespaced by ctx's routine id, with PerFlow by the flow.
//
// It fails fast: an error wrapping ErrNoJob when ctx carries no job, and
// (PerRoutine only) ErrNoRoutine when it carries no routine activation.
func JobCell[T any](ctx context.Context, name string, sharing Sharing) (*Cell[T], error) {
	ec := execOf(ctx)
	if ec == nil || ec.Job == nil {
		return nil, fmt.Errorf("job state %q: %w", name, ErrNoJob)
	}
	ns := ec.Job.flowID
	if sharing == PerRoutine {
		if ec.RoutineID == "" {
			return nil, fmt.Errorf("job state %q: %w", name, ErrNoRoutine)
		}
		ns = ec.RoutineID
	}
	return cellFor[T](ec.Job.cellStoreOf(), name, ns, sharing, nil)
}

// WorkerCell returns the worker-scope cell named name for the activation in
// ctx, creating it on first use. It lives as long as the worker, across jobs.
// With PerRoutine it is namespaced by ctx's routine id, with PerFlow by the
// flow. The error wraps ErrNoRoutine when ctx carries no activation (and so
// no worker).
//
// codec (generated code passes one) is how a Backend persists the cell; the
// call that makes the cell sets it. Under a Backend, a cell the node loaded
// from the store is decoded here, on first use, and a decoding error is
// returned naming the key.
func WorkerCell[T any](ctx context.Context, name string, sharing Sharing, codec ...StateCodec[T]) (*Cell[T], error) {
	ec := execOf(ctx)
	if ec == nil || ec.Worker == nil || (sharing == PerRoutine && ec.RoutineID == "") {
		return nil, fmt.Errorf("worker state %q: %w", name, ErrNoRoutine)
	}
	ns := ec.Worker.flowID
	if sharing == PerRoutine {
		ns = ec.RoutineID
	}
	return cellFor[T](&ec.Worker.cells, name, ns, sharing, codec)
}

package runtime

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
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
// are thin wrappers around a *Cell; the value is never boxed through
// JobContext.SetData, so reading a field allocates nothing.
//
// Besides the lock, a Cell keeps a sequence count for optimistic reads (a
// sequence lock): every writer (Lock to Unlock, Update) makes it odd once it
// holds the write lock and even again before releasing it, so an even count
// read before and after a read of the value, unchanged, proves that no write
// overlapped that read. Generated getters of scalar fields read that way:
//
//	if seq, ok := c.ReadBegin(); ok {
//		v := c.Peek().F
//		if c.ReadValid(seq) {
//			return v
//		}
//	}
//	v := c.RLock().F
//	c.RUnlock()
//	return v
//
// That read is a data race in the terms of the Go memory model, which makes
// it sound only under conditions the generator and this package keep
// together:
//   - It is used only for a single field whose type has a boolean, integer
//     or float32/float64 underlying type: at most one machine word and no
//     pointer. A racy read of such a location observes a value some write
//     stored there, whole (the memory model's rule for word-sized racy
//     reads), and the GC is not involved; and the value is discarded unless
//     the count is unchanged, so what is returned is what a locked read
//     could have returned.
//   - The plain load stays between the two atomic loads of the count. In the
//     compiler, an atomic load is an operation on memory state: the plain
//     load uses the memory the first one produced, so it comes after it, and
//     cmd/compile/internal/ssa's scheduler adds an edge from every load to
//     the next operation on the memory state it uses (schedule.go, "Add
//     edges to enforce that any load must come before the following
//     store"), so it comes before the second; tighten moves no memory-using
//     value into a block that starts with a different memory state, and
//     branchelim speculates none.
//   - The processor keeps loads in program order. That holds on amd64 (TSO)
//     only; elsewhere (arm64 may satisfy a plain load after a later
//     load-acquire, and 32-bit platforms split 64-bit loads) ReadBegin
//     always reports false and every read takes the lock.
//   - Under the race detector ReadBegin always reports false too, so the
//     detector only ever sees locked reads.
//
// The zero Cell is not usable; cells come from JobCell and WorkerCell.
type Cell[T any] struct {
	// seq is odd while a writer holds mu. It is only ever accessed with
	// the atomic functions, not an atomic.Uint64: generic code instantiated
	// in a package that does not import sync/atomic does not inline that
	// type's methods (go1.26), and a call would cost more than the lock
	// it saves. The empty array aligns it on 32-bit platforms. mu comes
	// first: at offset 0 it keeps RLock and RUnlock within the inlining
	// budget.
	mu  sync.RWMutex
	_   [0]atomic.Uint64
	seq uint64
	v   T
	key string
	// codec, set when the cell is made, lets a Backend persist a
	// worker-scope cell (see StateCodec); zero for job-scope cells.
	codec StateCodec[T]
}

// Key returns the namespaced storage key: "NAME/ROUTINE" for per-routine
// state, "NAME@FLOW" for shared (PerFlow) state.
func (c *Cell[T]) Key() string { return c.key }

// RLock read-locks the cell and returns the value. The caller must not
// keep the pointer past the matching RUnlock, nor write through it.
func (c *Cell[T]) RLock() *T {
	c.mu.RLock()
	return &c.v
}

// RUnlock undoes RLock.
func (c *Cell[T]) RUnlock() { c.mu.RUnlock() }

// Lock write-locks the cell and returns the value, for generated setters.
func (c *Cell[T]) Lock() *T {
	c.mu.Lock()
	atomic.AddUint64(&c.seq, 1) // odd: optimistic reads fail until Unlock
	return &c.v
}

// Unlock undoes Lock.
func (c *Cell[T]) Unlock() {
	atomic.AddUint64(&c.seq, 1) // even again
	c.mu.Unlock()
}

// Update runs fn on the value under the write lock: an atomic
// read-modify-write.
func (c *Cell[T]) Update(fn func(*T)) {
	c.Lock()
	defer c.Unlock()
	fn(&c.v)
}

// ReadBegin starts an optimistic read, for generated getters of scalar
// fields (see Cell): ok is false when a write is in progress, and always
// under the race detector and on platforms other than amd64; the caller
// must then take RLock.
func (c *Cell[T]) ReadBegin() (seq uint64, ok bool) {
	if !optimisticReads {
		return 0, false
	}
	seq = atomic.LoadUint64(&c.seq)
	return seq, seq&1 == 0
}

// Peek returns the value without any lock, for the plain read between
// ReadBegin and ReadValid. The caller may read one field of a scalar type
// through it (see Cell), never write, and must discard what it read unless
// ReadValid reports true.
func (c *Cell[T]) Peek() *T { return &c.v }

// ReadValid reports whether no write began since the ReadBegin that
// returned seq, so that what was read through Peek in between is valid.
func (c *Cell[T]) ReadValid(seq uint64) bool { return atomic.LoadUint64(&c.seq) == seq }

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
			c := &Cell[T]{key: printableKey(name, ns, sharing)}
			if len(codec) > 0 {
				c.codec = codec[0]
			}
			if err := c.restoreLocked(s); err != nil {
				s.mu.Unlock()
				return nil, err
			}
			got = c
			s.cells[k] = got
		}
		s.mu.Unlock()
	}
	c, ok := got.(*Cell[T])
	if !ok {
		var zero T
		return nil, fmt.Errorf("runtime: state %q holds %T, not %T: two state types share one storage name", name, got, &Cell[T]{v: zero})
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
		return nil, fmt.Errorf("runtime: job state %q: %w", name, ErrNoJob)
	}
	ns := ec.Job.flowID
	if sharing == PerRoutine {
		if ec.RoutineID == "" {
			return nil, fmt.Errorf("runtime: job state %q: %w", name, ErrNoRoutine)
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
		return nil, fmt.Errorf("runtime: worker state %q: %w", name, ErrNoRoutine)
	}
	ns := ec.Worker.flowID
	if sharing == PerRoutine {
		ns = ec.RoutineID
	}
	return cellFor[T](&ec.Worker.cells, name, ns, sharing, codec)
}

package runtime

import (
	"context"
	"fmt"
	"sync"
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
// The zero Cell is not usable; cells come from JobCell and WorkerCell.
type Cell[T any] struct {
	mu  sync.RWMutex
	v   T
	key string
}

// Key returns the namespaced storage key: the storage name, then the
// namespace (routine id, or flow id for PerFlow state).
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
	return &c.v
}

// Unlock undoes Lock.
func (c *Cell[T]) Unlock() { c.mu.Unlock() }

// Update runs fn on the value under the write lock: an atomic
// read-modify-write.
func (c *Cell[T]) Update(fn func(*T)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fn(&c.v)
}

// cellKey identifies a cell within one job or worker. A struct key keeps the
// lookup allocation-free; the printable key is built once per cell.
type cellKey struct {
	name string
	ns   string
}

// cellStore is the typed state of one job or one worker.
type cellStore struct {
	mu    sync.RWMutex
	cells map[cellKey]any
}

func cellFor[T any](s *cellStore, name, ns string) (*Cell[T], error) {
	k := cellKey{name: name, ns: ns}
	s.mu.RLock()
	got, ok := s.cells[k]
	s.mu.RUnlock()
	if !ok {
		s.mu.Lock()
		if got, ok = s.cells[k]; !ok {
			if s.cells == nil {
				s.cells = make(map[cellKey]any)
			}
			got = &Cell[T]{key: name + "/" + ns}
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
	return cellFor[T](ec.Job.cellStoreOf(), name, ns)
}

// WorkerCell returns the worker-scope cell named name for the activation in
// ctx, creating it on first use. It lives as long as the worker, across jobs.
// With PerRoutine it is namespaced by ctx's routine id, with PerFlow by the
// flow. The error wraps ErrNoRoutine when ctx carries no activation (and so
// no worker).
func WorkerCell[T any](ctx context.Context, name string, sharing Sharing) (*Cell[T], error) {
	ec := execOf(ctx)
	if ec == nil || ec.Worker == nil || (sharing == PerRoutine && ec.RoutineID == "") {
		return nil, fmt.Errorf("runtime: worker state %q: %w", name, ErrNoRoutine)
	}
	ns := ec.Worker.flowID
	if sharing == PerRoutine {
		ns = ec.RoutineID
	}
	return cellFor[T](&ec.Worker.cells, name, ns)
}

// Package runtime is a stub of github.com/routigen/routigen/runtime for the
// analyzers' tests: the same names and signatures, trivial bodies.
package runtime

import (
	"context"
	"errors"
	"sync"
)

type Message = map[string]any

var (
	ErrNoJob     = errors.New("runtime: no job in context")
	ErrNoRoutine = errors.New("runtime: no routine in context")
)

type Input interface {
	Slot(name string) []Message
}

type JobContext struct {
	mu   sync.Mutex
	data Message
	meta Message
}

func (j *JobContext) ID() string                { return "" }
func (j *JobContext) Metadata() Message         { return copyOf(j.meta) }
func (j *JobContext) SetData(key string, v any) { j.data[key] = v }
func (j *JobContext) GetData(key string) (any, bool) {
	v, ok := j.data[key]
	return v, ok
}
func (j *JobContext) DeleteData(key string) { delete(j.data, key) }
func (j *JobContext) Data() Message         { return copyOf(j.data) }

func copyOf(m Message) Message {
	c := make(Message, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

type WorkerState struct {
	mu     sync.Mutex
	states map[string]Message
}

func (w *WorkerState) ID() string                                                  { return "" }
func (w *WorkerState) RoutineState(routineID string) Message                       { return copyOf(w.states[routineID]) }
func (w *WorkerState) UpdateRoutineState(routineID string, updates Message)        {}
func (w *WorkerState) ModifyRoutineState(routineID string, fn func(state Message)) {}

type ExecContext struct {
	RoutineID string
	FlowID    string
	Job       *JobContext
	Worker    *WorkerState
}

func ExecFromContext(ctx context.Context) (*ExecContext, bool) { return nil, false }
func JobFromContext(ctx context.Context) (*JobContext, bool)   { return nil, false }
func RequireExec(ctx context.Context) (*ExecContext, error)    { return nil, ErrNoRoutine }
func RequireJob(ctx context.Context) (*JobContext, error)      { return nil, ErrNoJob }

type Sharing uint8

const (
	PerRoutine Sharing = iota
	PerFlow
)

type Cell[T any] struct {
	mu  sync.RWMutex
	v   T
	key string
}

func (c *Cell[T]) Key() string { return c.key }
func (c *Cell[T]) RLock() *T   { c.mu.RLock(); return &c.v }
func (c *Cell[T]) RUnlock()    { c.mu.RUnlock() }
func (c *Cell[T]) Lock() *T    { c.mu.Lock(); return &c.v }
func (c *Cell[T]) Unlock()     { c.mu.Unlock() }
func (c *Cell[T]) Update(fn func(*T)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fn(&c.v)
}

func JobCell[T any](ctx context.Context, name string, sharing Sharing) (*Cell[T], error) {
	return nil, ErrNoJob
}

func WorkerCell[T any](ctx context.Context, name string, sharing Sharing) (*Cell[T], error) {
	return nil, ErrNoRoutine
}

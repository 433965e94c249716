// Package runtime is a stub of routigen's runtime with the API the checks
// match. Its own lookups are not checked.
package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

type Message = map[string]any

var (
	ErrNoJob     = errors.New("runtime: no job in context")
	ErrNoRoutine = errors.New("runtime: no routine activation in context")
	ErrClosed    = errors.New("runtime: closed")
)

type JobContext struct{ data map[string]any }

func (j *JobContext) ID() string                                      { return "" }
func (j *JobContext) SetData(key string, v any)                       {}
func (j *JobContext) GetData(key string) (any, bool)                  { return nil, false }
func (j *JobContext) Data() Message                                   { return nil }
func (j *JobContext) Trace(routineID, action string, details Message) {}

type WorkerState struct{}

func (w *WorkerState) ID() string                                           { return "" }
func (w *WorkerState) RoutineState(routineID string) Message                { return nil }
func (w *WorkerState) UpdateRoutineState(routineID string, updates Message) {}

type ExecContext struct {
	RoutineID string
	FlowID    string
	Job       *JobContext
	Worker    *WorkerState
}

type Input interface {
	Slot(name string) []Message
}

type key struct{}

func execOf(ctx context.Context) *ExecContext {
	ec, _ := ctx.Value(key{}).(*ExecContext)
	return ec
}

func ExecFromContext(ctx context.Context) (*ExecContext, bool) {
	ec := execOf(ctx)
	if ec == nil || ec.RoutineID == "" {
		return nil, false
	}
	return ec, true
}

func JobFromContext(ctx context.Context) (*JobContext, bool) {
	ec := execOf(ctx)
	if ec == nil || ec.Job == nil {
		return nil, false
	}
	return ec.Job, true
}

func RequireExec(ctx context.Context) (*ExecContext, error) {
	ec, ok := ExecFromContext(ctx)
	if !ok {
		return nil, fmt.Errorf("runtime: require exec: %w", ErrNoRoutine)
	}
	return ec, nil
}

func RequireJob(ctx context.Context) (*JobContext, error) {
	job, ok := JobFromContext(ctx)
	if !ok {
		return nil, fmt.Errorf("runtime: require job: %w", ErrNoJob)
	}
	return job, nil
}

// fallback would be reported anywhere else: the runtime is not checked.
func fallback(ctx context.Context) *JobContext {
	job, _ := JobFromContext(ctx)
	job.Trace("", "", nil)
	return &JobContext{}
}

func Emit(ctx context.Context, event string, payload Message) error { return nil }

type Sharing uint8

const (
	PerRoutine Sharing = iota
	PerFlow
)

type Cell[T any] struct {
	mu sync.RWMutex
	v  T
}

func (c *Cell[T]) Key() string        { return "" }
func (c *Cell[T]) RLock() *T          { c.mu.RLock(); return &c.v }
func (c *Cell[T]) RUnlock()           { c.mu.RUnlock() }
func (c *Cell[T]) Lock() *T           { c.mu.Lock(); return &c.v }
func (c *Cell[T]) Unlock()            { c.mu.Unlock() }
func (c *Cell[T]) Update(fn func(*T)) { c.mu.Lock(); defer c.mu.Unlock(); fn(&c.v) }

func JobCell[T any](ctx context.Context, name string, sharing Sharing) (*Cell[T], error) {
	if _, ok := JobFromContext(ctx); !ok {
		return nil, fmt.Errorf("runtime: job state %q: %w", name, ErrNoJob)
	}
	return &Cell[T]{}, nil
}

// StateCodec persists a worker-scope cell under a Backend.
type StateCodec[T any] struct {
	Encode func(*T) ([]byte, error)
	Decode func([]byte, *T) error
}

func WorkerCell[T any](ctx context.Context, name string, sharing Sharing, codec ...StateCodec[T]) (*Cell[T], error) {
	if _, ok := ExecFromContext(ctx); !ok {
		return nil, fmt.Errorf("runtime: worker state %q: %w", name, ErrNoRoutine)
	}
	return &Cell[T]{}, nil
}

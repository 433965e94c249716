// Package cells holds calls of runtime.JobCell and runtime.WorkerCell, the
// runtime's own lookups of typed state: (cell, error), failing fast with an
// error that wraps ErrNoJob or ErrNoRoutine, as RequireJob does.
package cells

import (
	"context"

	"github.com/routigen/routigen/runtime"
)

type tally struct{ N int }

var codec = runtime.StateCodec[tally]{}

func discarded(ctx context.Context) int {
	c, _ := runtime.JobCell[int](ctx, "n", runtime.PerRoutine) // want `the error of runtime.JobCell is discarded, so code carries on when the state is unavailable \(no job or routine in the context\); fail fast: return its error`
	return *c.RLock()
}

func discardedWorker(ctx context.Context) {
	c, _ := runtime.WorkerCell[tally](ctx, "t", runtime.PerRoutine, codec) // want `the error of runtime.WorkerCell is discarded`
	c.Update(func(t *tally) { t.N++ })
}

// The type argument inferred from the codec: no index expression.
func discardedInferred(ctx context.Context) {
	c, _ := runtime.WorkerCell(ctx, "t", runtime.PerFlow, codec) // want `the error of runtime.WorkerCell is discarded`
	c.Update(func(t *tally) { t.N++ })
}

func bothDiscarded(ctx context.Context) {
	runtime.JobCell[int](ctx, "n", runtime.PerFlow) // want `the error of runtime.JobCell is discarded`
}

func returnNil(ctx context.Context) error {
	c, err := runtime.WorkerCell[tally](ctx, "t", runtime.PerRoutine) // want `runtime.WorkerCell falls back when the state is unavailable \(no job or routine in the context\); fail fast: return its error`
	if err != nil {
		return nil
	}
	c.Update(func(t *tally) { t.N++ })
	return nil
}

// Other storage: a cell of its own, which no other activation sees.
func otherStorage(ctx context.Context) int {
	c, err := runtime.JobCell[int](ctx, "n", runtime.PerRoutine) // want `runtime.JobCell falls back`
	if err != nil {
		c = &runtime.Cell[int]{}
	}
	return *c.RLock()
}

func skips(ctx context.Context) {
	if c, err := runtime.JobCell[tally](ctx, "t", runtime.PerFlow); err == nil { // want `runtime.JobCell silently skips the work when the state is unavailable`
		c.Update(func(t *tally) { t.N++ })
	}
}

func notNil(ctx context.Context) {
	c, _ := runtime.WorkerCell[tally](ctx, "t", runtime.PerRoutine) // want `runtime.WorkerCell silently skips the work`
	if c != nil {
		c.Update(func(t *tally) { t.N++ })
	}
}

// A helper that hands JobCell's results to its caller is a lookup itself.
func cellOf(ctx context.Context) (*runtime.Cell[int], error) { // want cellOf:"lookup helper of runtime.JobCell"
	return runtime.JobCell[int](ctx, "n", runtime.PerRoutine)
}

func viaHelper(ctx context.Context) int {
	c, err := cellOf(ctx) // want `cellOf \(which returns runtime.JobCell\) falls back`
	if err != nil {
		return 0
	}
	return *c.RLock()
}

// A generic helper, called with an instance of its own.
func typed[T any](ctx context.Context, name string) (*runtime.Cell[T], error) { // want typed:"lookup helper of runtime.JobCell"
	return runtime.JobCell[T](ctx, name, runtime.PerRoutine)
}

func viaGenericHelper(ctx context.Context) {
	c, _ := typed[tally](ctx, "t") // want `the error of typed \(which returns runtime.JobCell\) is discarded`
	c.Update(func(t *tally) { t.N++ })
}

// A generic function of the user's own that falls back.
func genericFallback[T any](ctx context.Context) T {
	c, err := runtime.JobCell[T](ctx, "v", runtime.PerRoutine) // want `runtime.JobCell falls back`
	if err != nil {
		var zero T
		return zero
	}
	return *c.RLock()
}

func funcValue(ctx context.Context) int {
	get := runtime.JobCell[int]
	c, _ := get(ctx, "n", runtime.PerRoutine) // want `the error of runtime.JobCell is discarded`
	return *c.RLock()
}

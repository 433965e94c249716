package cells

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/routigen/routigen/runtime"
)

func returned(ctx context.Context) error {
	c, err := runtime.JobCell[int](ctx, "n", runtime.PerRoutine)
	if err != nil {
		return err
	}
	c.Update(func(n *int) { *n++ })
	return nil
}

func wrapped(ctx context.Context) (int, error) {
	c, err := runtime.WorkerCell[tally](ctx, "t", runtime.PerRoutine, codec)
	if err != nil {
		return 0, fmt.Errorf("tally: %w", err)
	}
	return c.RLock().N, nil
}

func inferredReturned(ctx context.Context) error {
	c, err := runtime.WorkerCell(ctx, "t", runtime.PerFlow, codec)
	if err != nil {
		return err
	}
	c.Update(func(t *tally) { t.N++ })
	return nil
}

func sentinel(ctx context.Context) error {
	c, err := runtime.JobCell[int](ctx, "n", runtime.PerFlow)
	if errors.Is(err, runtime.ErrNoJob) {
		return fmt.Errorf("count outside a job: %w", err)
	}
	if err != nil {
		return err
	}
	c.Update(func(n *int) { *n++ })
	return nil
}

func panics(ctx context.Context) int {
	c, err := runtime.JobCell[int](ctx, "n", runtime.PerRoutine)
	if err != nil {
		panic(err)
	}
	return *c.RLock()
}

func fatal(ctx context.Context) {
	c, err := runtime.WorkerCell[tally](ctx, "t", runtime.PerRoutine)
	if err != nil {
		log.Fatalf("no worker state: %v", err)
	}
	c.Update(func(t *tally) { t.N++ })
}

func inInit(ctx context.Context) error {
	if c, err := runtime.JobCell[tally](ctx, "t", runtime.PerFlow); err != nil {
		return err
	} else {
		c.Update(func(t *tally) { t.N++ })
	}
	return nil
}

func genericReturned[T any](ctx context.Context) (T, error) {
	var zero T
	c, err := runtime.JobCell[T](ctx, "v", runtime.PerRoutine)
	if err != nil {
		return zero, err
	}
	return *c.RLock(), nil
}

// The generic helper's callers that fail fast.
func viaGenericHelperChecked(ctx context.Context) error {
	c, err := typed[int](ctx, "n")
	if err != nil {
		return fmt.Errorf("n: %w", err)
	}
	c.Update(func(n *int) { *n++ })
	return nil
}

func viaHelperChecked(ctx context.Context) (int, error) {
	c, err := cellOf(ctx)
	if err != nil {
		return 0, err
	}
	return *c.RLock(), nil
}

// Key and Update on a cell the caller hands in are no lookups.
func given(c *runtime.Cell[int]) string {
	c.Update(func(n *int) { *n = 0 })
	return c.Key()
}

// A deliberate fallback, kept with a reason.
func ignored(ctx context.Context) int {
	c, err := runtime.JobCell[int](ctx, "n", runtime.PerRoutine) //routigen:ignore nilfallback counted outside flows too, by design
	if err != nil {
		return 0
	}
	return *c.RLock()
}

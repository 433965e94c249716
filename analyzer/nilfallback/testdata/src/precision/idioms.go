package precision

import (
	"context"
	"errors"
	"fmt"
	"sync"

	rt "github.com/routigen/routigen/runtime"

	"states"
)

// Correct code in the shapes real code takes: none of it is reported.

type jobCtx = rt.JobContext

var errIdiom = errors.New("precision: no state")

type wrapErr struct{ err error }

func (e *wrapErr) Error() string { return "wrapped: " + e.err.Error() }

func gotoFail(ctx context.Context) error {
	l, err := states.LoopStateOf(ctx)
	if err != nil {
		goto fail
	}
	l.SetIteration(1)
	return nil
fail:
	return fmt.Errorf("gotoFail: %w", err)
}

func labeledLoops(ctx context.Context, items []string) error {
outer:
	for _, it := range items {
		for range 2 {
			l, err := states.LoopStateOf(ctx)
			if err != nil {
				return err
			}
			switch it {
			case "":
				continue outer
			case "stop":
				break outer
			}
			l.SetIteration(len(it))
		}
	}
	return nil
}

func goroutineSends(ctx context.Context) error {
	var wg sync.WaitGroup
	errc := make(chan error, 1)
	wg.Go(func() {
		l, err := states.LoopStateOf(ctx)
		if err != nil {
			errc <- err
			return
		}
		l.SetIteration(5)
	})
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

func joined(ctx context.Context) error {
	l, err := states.LoopStateOf(ctx)
	if err != nil {
		return errors.Join(errIdiom, err)
	}
	defer l.SetIteration(0)
	return nil
}

func wrappedInType(ctx context.Context) error {
	job, err := rt.RequireJob(ctx)
	if err != nil {
		return &wrapErr{err}
	}
	var j *jobCtx = job
	j.Trace("r", "a", nil)
	return nil
}

func recovered(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	l, lerr := states.LoopStateOf(ctx)
	if lerr != nil {
		return lerr
	}
	l.SetIteration(6)
	return nil
}

func bareNamed(ctx context.Context) (n int, err error) {
	l, err := states.LoopStateOf(ctx)
	if err != nil {
		return
	}
	n = l.Iteration()
	return
}

func elseBranch(ctx context.Context) error {
	if l, err := states.LoopStateOf(ctx); err != nil {
		return err
	} else {
		l.SetIteration(7)
	}
	return nil
}

func switchErrorsIs(ctx context.Context) error {
	l, err := states.LoopStateOf(ctx)
	switch {
	case errors.Is(err, rt.ErrNoJob):
		return fmt.Errorf("no job: %w", err)
	case err != nil:
		return err
	}
	l.SetIteration(8)
	return nil
}

func workOnlyWhenFound(ctx context.Context) error {
	l, err := states.LoopStateOf(ctx)
	if err == nil {
		l.SetIteration(9)
	}
	return err
}

func generic[T any](ctx context.Context, v T) (T, error) {
	l, err := states.LoopStateOf(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	l.SetIteration(10)
	return v, nil
}

type box[T any] struct{ v T }

func (b *box[T]) run(ctx context.Context) error {
	j, ok := rt.JobFromContext(ctx)
	if !ok {
		return errIdiom
	}
	j.Trace("r", "a", nil)
	return nil
}

func methodValue(ctx context.Context) error {
	b := &box[int]{}
	f := b.run
	if _, err := generic(ctx, 1); err != nil {
		return err
	}
	return f(ctx)
}

func inClosures(ctx context.Context) error {
	var fns []func() error
	for i := range 3 {
		fns = append(fns, func() error {
			c, err := states.CounterOf(ctx)
			if err != nil {
				return err
			}
			c.Update(func(s *states.Counter) { s.N += i })
			return nil
		})
	}
	for _, f := range fns {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func selectAfter(ctx context.Context, done <-chan struct{}) error {
	ec, ok := rt.ExecFromContext(ctx)
	if !ok || ec.RoutineID == "" {
		return errIdiom
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-done:
	}
	ec.Worker.UpdateRoutineState(ec.RoutineID, rt.Message{"done": true})
	return nil
}

func loopUntil(ctx context.Context) error {
	for {
		l, err := states.LoopStateOf(ctx)
		if err != nil {
			return err
		}
		if l.Iteration() > 3 {
			return nil
		}
		l.SetIteration(l.Iteration() + 1)
	}
}

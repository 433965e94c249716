package precision

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/routigen/routigen/runtime"
)

// Realistic routine bodies that fail fast on a missing job or activation,
// in the shapes handlers take: none is reported.

type cache struct {
	mu    sync.RWMutex
	items map[string][]byte
	hits  int
}

func (c *cache) get(ctx context.Context, key string) ([]byte, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return nil, fmt.Errorf("cache get %q: %w", key, err)
	}
	return c.items[ec.RoutineID+"/"+key], nil
}

func (c *cache) put(ctx context.Context, key string, v []byte) (err error) {
	c.mu.Lock()
	defer func() {
		c.mu.Unlock()
		if err != nil {
			c.hits = 0
		}
	}()
	ec, ok := runtime.ExecFromContext(ctx)
	switch {
	case !ok:
		return errNoRoutine
	case len(v) == 0:
		return errors.New("precision: empty value")
	}
	c.items[ec.RoutineID+"/"+key] = v
	return nil
}

func retries(ctx context.Context, attempts int) error {
	for i := 0; i < attempts; i++ {
		job, ok := runtime.JobFromContext(ctx)
		if !ok {
			return fmt.Errorf("attempt %d: %w", i, runtime.ErrNoJob)
		}
		if job.ID() != "" {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return errors.New("precision: gave up")
}

func watch(ctx context.Context, ticks <-chan time.Time) error {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticks:
			ec.Job.Trace(ec.RoutineID, "tick", nil)
		}
	}
}

func background(ctx context.Context, wg *sync.WaitGroup) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return errNoJob
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		job.Trace("r", "bg", nil)
	}()
	return nil
}

func sentinelIs(ctx context.Context) (string, error) {
	ec, err := runtime.RequireExec(ctx)
	if errors.Is(err, runtime.ErrNoRoutine) {
		return "", fmt.Errorf("precision: outside a routine: %w", err)
	}
	if err != nil {
		return "", err
	}
	return ec.RoutineID, nil
}

func elseChain(ctx context.Context, mode string) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return errNoJob
	} else if mode == "dry" {
		return nil
	} else {
		job.Trace("r", mode, nil)
	}
	return nil
}

func namedLoop(ctx context.Context, keys []string) (n int, err error) {
	defer func() { n = len(keys) - n }()
	for _, k := range keys {
		ec, ok := runtime.ExecFromContext(ctx)
		if !ok {
			err = fmt.Errorf("key %s: %w", k, errNoRoutine)
			return
		}
		if ec.RoutineID == k {
			n++
		}
	}
	return n, nil
}

func guardHelper(ctx context.Context) error {
	job, err := mustJob(ctx)
	if err != nil {
		return err
	}
	defer job.Trace("r", "done", nil)
	job.Trace("r", "start", nil)
	return nil
}

func mustJob(ctx context.Context) (*runtime.JobContext, error) { // want mustJob:`lookup helper of runtime.JobFromContext`
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return nil, errNoJob
	}
	return job, nil
}

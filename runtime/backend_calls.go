package runtime

import (
	"context"
	"fmt"
)

// backendCalls is how the runtime calls its Backend: code of the user's (or
// of package jetstream) that may panic. A panic in a method is that call's
// error, wrapping a *PanicError whose Func names the method
// ("Backend.Submit", ...), never a crash of the goroutine that called it
// nor a runtime left half-done: a Post whose Submit panicked tracks no job
// that Wait would wait for, a Shutdown whose Close panicked still stops the
// pool, and a Backend whose Open panicked is refused by Register.
type backendCalls struct {
	r *Runtime
	b Backend
	// openErr is Open's panic, set in New: Register returns it.
	openErr error
}

// call runs fn, a call of Backend method, and returns its error or panic.
func (c *backendCalls) call(method string, fn func() error) error {
	var err error
	if perr := protect("Backend."+method, "", func() { err = fn() }); perr != nil {
		return perr
	}
	return err
}

func (c *backendCalls) open(n *Node) {
	c.openErr = c.call("Open", func() error { c.b.Open(n); return nil })
}

func (c *backendCalls) serve(ctx context.Context, flowID, workerID string) error {
	return c.call("Serve", func() error { return c.b.Serve(ctx, flowID, workerID) })
}

func (c *backendCalls) submit(ctx context.Context, spec *JobSpec) error {
	return c.call("Submit", func() error { return c.b.Submit(ctx, spec) })
}

// watch is Watch; the stop it returns logs its own panic, as nobody waits
// for its result.
func (c *backendCalls) watch(jobID string, report func(Outcome)) (func(), error) {
	var stop func()
	if err := c.call("Watch", func() error { stop = c.b.Watch(jobID, report); return nil }); err != nil {
		return nil, err
	}
	return func() {
		if stop == nil {
			return
		}
		if perr := protect("Backend.Watch stop", "", stop); perr != nil {
			c.r.logPanic(perr, nil)
		}
	}, nil
}

func (c *backendCalls) lookup(ctx context.Context, jobID string) (spec *JobSpec, out *Outcome, err error) {
	err = c.call("Lookup", func() (err error) {
		spec, out, err = c.b.Lookup(ctx, jobID)
		return err
	})
	if err == nil && spec == nil {
		err = fmt.Errorf("the backend returned no job and no error: %w", ErrUnknownJob)
	}
	return spec, out, err
}

func (c *backendCalls) cancel(ctx context.Context, spec *JobSpec, cause error) error {
	return c.call("Cancel", func() error { return c.b.Cancel(ctx, spec, cause) })
}

func (c *backendCalls) close(ctx context.Context) error {
	return c.call("Close", func() error { return c.b.Close(ctx) })
}

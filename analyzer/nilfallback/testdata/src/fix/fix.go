// Package fix holds the cases of nilfallback's suggested fix.
package fix

import (
	"context"
	"errors"

	"github.com/routigen/routigen/runtime"
	rt "github.com/routigen/routigen/runtime"

	"states"
)

func job(ctx context.Context) error {
	job, _ := runtime.JobFromContext(ctx) // want `the ok of runtime.JobFromContext is discarded`
	job.Trace("r", "a", nil)
	return nil
}

func exec(ctx context.Context) (int, error) {
	ec, _ := rt.ExecFromContext(ctx) // want `the ok of runtime.ExecFromContext is discarded`
	return len(ec.RoutineID), nil
}

type thing struct{ n int }

type pair struct{ a, b int }

func accessor(ctx context.Context) (*thing, string, pair, bool, error) {
	a, _ := states.LoopStateOf(ctx) // want `the error of states.LoopStateOf is discarded`
	return &thing{n: a.Iteration()}, "", pair{}, true, nil
}

func inCase(ctx context.Context, k int) error {
	switch k {
	case 1:
		job, _ := runtime.RequireJob(ctx) // want `the error of runtime.RequireJob is discarded`
		job.Trace("r", "a", nil)
	}
	return nil
}

var logic = func(ctx context.Context) error {
	ec, _ := runtime.RequireExec(ctx) // want `the error of runtime.RequireExec is discarded`
	ec.Job.Trace(ec.RoutineID, "a", nil)
	return nil
}

func errDeclared(ctx context.Context, f func() error) error {
	if err := f(); err != nil {
		return err
	}
	err := f()
	_ = err
	job, _ := runtime.JobFromContext(ctx) // want `the ok of runtime.JobFromContext is discarded`
	job.Trace("r", "a", nil)
	return nil
}

// No fix below.

func errUsedLater(ctx context.Context, f func() error) error {
	err := f()
	job, _ := runtime.JobFromContext(ctx) // want `the ok of runtime.JobFromContext is discarded`
	job.Trace("r", "a", nil)
	return err
}

func errShadowed(ctx context.Context, f func() error) (err error) {
	if f != nil {
		job, _ := runtime.JobFromContext(ctx) // want `the ok of runtime.JobFromContext is discarded`
		err = f()
		job.Trace("r", "a", nil)
	}
	return err
}

func noErrorResult(ctx context.Context) int {
	job, _ := runtime.JobFromContext(ctx) // want `the ok of runtime.JobFromContext is discarded`
	job.Trace("r", "a", nil)
	return 0
}

func errOtherType(ctx context.Context) error {
	err := 1
	job, _ := runtime.JobFromContext(ctx) // want `the ok of runtime.JobFromContext is discarded`
	job.Trace("r", "a", nil)
	_ = err
	return nil
}

func funcValue(ctx context.Context) error {
	lookup := runtime.JobFromContext
	job, _ := lookup(ctx) // want `the ok of runtime.JobFromContext is discarded`
	job.Trace("r", "a", nil)
	return nil
}

func assigned(ctx context.Context) error {
	var job *runtime.JobContext
	job, _ = runtime.JobFromContext(ctx) // want `the ok of runtime.JobFromContext is discarded`
	job.Trace("r", "a", nil)
	return nil
}

func unnamedStruct(ctx context.Context) (struct{ n int }, error) {
	a, _ := states.LoopStateOf(ctx) // want `the error of states.LoopStateOf is discarded`
	return struct{ n int }{a.Iteration()}, nil
}

// shadowsPackage: the accessor variable named states hides the package
// where the fix would return states.LoopState{}.
func shadowsPackage(ctx context.Context) (states.LoopState, error) {
	var out states.LoopState
	states, _ := states.LoopStateOf(ctx) // want `the error of states.LoopStateOf is discarded`
	out.Iteration = states.Iteration()
	return out, nil
}

func validate(x int) error {
	if x > 0 {
		return errors.New("invalid")
	}
	return nil
}

// namedErrAssigned: job, err := … would assign the named result err, which
// the bare return hands back: the fix would drop validate's error.
func namedErrAssigned(ctx context.Context, x int) (n int, err error) {
	err = validate(x)
	job, _ := runtime.JobFromContext(ctx) // want `the ok of runtime.JobFromContext is discarded`
	job.Trace("r", "a", nil)
	return
}

// namedErrShadowed: in an inner block job, err := … would shadow the named
// result err, and the bare return after it would not compile.
func namedErrShadowed(ctx context.Context, x int) (err error) {
	if x > 0 {
		job, _ := runtime.JobFromContext(ctx) // want `the ok of runtime.JobFromContext is discarded`
		job.Trace("r", "a", nil)
		return
	}
	return nil
}

// errReadByDefer: the deferred function reads err, declared before the
// lookup: assigning it there would change what the defer sees.
func errReadByDefer(ctx context.Context, x int, log func(error)) error {
	err := validate(x)
	defer func() { log(err) }()
	job, _ := runtime.JobFromContext(ctx) // want `the ok of runtime.JobFromContext is discarded`
	job.Trace("r", "a", nil)
	return nil
}

// The runtime's cell lookups have an error already: it is returned.
func jobCell(ctx context.Context) (int, error) {
	c, _ := runtime.JobCell[int](ctx, "n", runtime.PerRoutine) // want `the error of runtime.JobCell is discarded`
	return *c.RLock(), nil
}

func workerCellInferred(ctx context.Context) (string, error) {
	c, _ := rt.WorkerCell(ctx, "n", rt.PerFlow, rt.StateCodec[int]{}) // want `the error of runtime.WorkerCell is discarded`
	return c.Key(), nil
}

func genericCell[T any](ctx context.Context) (T, error) {
	c, _ := runtime.JobCell[T](ctx, "v", runtime.PerFlow) // want `the error of runtime.JobCell is discarded`
	return *c.RLock(), nil
}

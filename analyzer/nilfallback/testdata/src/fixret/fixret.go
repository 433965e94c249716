// Package fixret holds the cases of nilfallback's fix for a lookup whose
// missing case returns a nil error: fixed where the rewrite is exact, left
// alone (reported, no fix) everywhere else.
package fixret

import (
	"context"
	"errors"
	"fmt"

	"github.com/routigen/routigen/runtime"
	rt "github.com/routigen/routigen/runtime"

	"states"
)

// Fixed: the error's nil becomes the lookup's error.

func requireJob(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back when the job is missing`
	if err != nil {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func requireExec(ctx context.Context) (int, string, error) {
	ec, err := runtime.RequireExec(ctx) // want `runtime.RequireExec falls back`
	if err != nil {
		return 0, "none", nil
	}
	return len(ec.RoutineID), ec.RoutineID, nil
}

func accessorInInit(ctx context.Context) (*int, error) {
	if a, e := states.LoopStateOf(ctx); e != nil { // want `states.LoopStateOf falls back`
		return nil, (nil)
	} else {
		n := a.Iteration()
		return &n, nil
	}
}

func nilFirstAssigned(ctx context.Context) error {
	var err error
	var c states.CounterAccessor
	c, err = states.CounterOf(ctx) // want `states.CounterOf falls back`
	if nil != err {
		return nil
	}
	_ = c.N()
	return nil
}

func namedResults(ctx context.Context) (n int, err error) {
	job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back`
	if err != nil {
		return 0, nil
	}
	return len(job.ID()), nil
}

var literal = func(ctx context.Context) error {
	ec, err := runtime.RequireExec(ctx) // want `runtime.RequireExec falls back`
	if err != nil {
		return nil
	}
	ec.Job.Trace(ec.RoutineID, "a", nil)
	return nil
}

func inCase(ctx context.Context, k int) error {
	switch k {
	case 1:
		job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back`
		if err != nil {
			return nil
		}
		job.Trace("r", "a", nil)
	}
	return nil
}

// Fixed: the comma-ok lookup becomes the one with an error.

func commaOK(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
	if !ok {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func commaOKInit(ctx context.Context) (string, error) {
	if ec, ok := rt.ExecFromContext(ctx); ok == false { // want `runtime.ExecFromContext falls back`
		return "", nil
	} else {
		return ec.RoutineID, nil
	}
}

func commaOKOuterErrBefore(ctx context.Context, f func() error) error {
	if err := f(); err != nil {
		return err
	}
	job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
	if !ok {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

// No fix below.

func noErrorResult(ctx context.Context) int {
	job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back`
	if err != nil {
		return 0
	}
	return len(job.ID())
}

func reassignedBetween(ctx context.Context, check func() error) error {
	job, err := runtime.RequireJob(ctx) // want `the error of runtime.RequireJob is discarded`
	err = check()
	if err != nil {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func shadowedBetween(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back`
	if err := errors.New("other"); err == nil {
		return nil
	}
	if err != nil {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func workBetween(ctx context.Context, calls *int) error {
	job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back`
	*calls++
	if err != nil {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func otherWorkInBranch(ctx context.Context, misses *int) error {
	job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back`
	if err != nil {
		*misses++
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func nilVariable(ctx context.Context) error {
	var none error
	job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back`
	if err != nil {
		return none
	}
	job.Trace("r", "a", nil)
	return nil
}

func bareReturn(ctx context.Context) (e error) {
	job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back`
	if err != nil {
		return
	}
	job.Trace("r", "a", nil)
	return nil
}

func widerTest(ctx context.Context, strict bool) error {
	job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back`
	if err != nil && !strict {
		return nil
	}
	if err != nil {
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func errorInField(ctx context.Context) error {
	var s struct {
		job *runtime.JobContext
		err error
	}
	s.job, s.err = runtime.RequireJob(ctx) // want `runtime.RequireJob falls back`
	if s.err != nil {
		return nil
	}
	s.job.Trace("r", "a", nil)
	return nil
}

func commaOKUsedAgain(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
	if !ok {
		return nil
	}
	job.Trace("r", fmt.Sprint(ok), nil)
	return nil
}

func commaOKErrInScope(ctx context.Context, f func() error) error {
	err := f()
	job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
	if !ok {
		return nil
	}
	job.Trace("r", "a", nil)
	return err
}

func commaOKErrLater(ctx context.Context, f func() error) error {
	job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
	if !ok {
		return nil
	}
	job.Trace("r", "a", nil)
	err := f()
	return err
}

func commaOKOuterErrUsed(ctx context.Context, err error, k int) error {
	if k > 0 {
		job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
		if !ok {
			return nil
		}
		job.Trace("r", "a", nil)
		_ = err
	}
	return nil
}

func commaOKAssigned(ctx context.Context) error {
	var job *runtime.JobContext
	var ok bool
	job, ok = runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
	if !ok {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func commaOKFuncValue(ctx context.Context) error {
	lookup := runtime.JobFromContext
	job, ok := lookup(ctx) // want `runtime.JobFromContext falls back`
	if !ok {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func commaOKNotTest(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
	if ok != true {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

// Correct code: nothing reported, nothing fixed.

func failsFast(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func commaOKFailsFast(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return errors.New("no job")
	}
	job.Trace("r", "a", nil)
	return nil
}

// commaOKShadowsNamedErr: in an inner block job, err := … would shadow the
// named result err, and the bare return after it would not compile.
func commaOKShadowsNamedErr(ctx context.Context, x int) (err error) {
	if x > 0 {
		job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
		if !ok {
			return nil
		}
		job.Trace("r", "a", nil)
		return
	}
	return nil
}

// The runtime's cell lookups: a nil error becomes theirs; other storage in
// the missing branch is more than a return, and gets no fix.
func workerCellNil(ctx context.Context) error {
	c, err := runtime.WorkerCell[int](ctx, "n", runtime.PerRoutine) // want `runtime.WorkerCell falls back`
	if err != nil {
		return nil
	}
	c.Update(func(n *int) { *n++ })
	return nil
}

func jobCellOtherStorage(ctx context.Context) (int, error) {
	c, err := runtime.JobCell[int](ctx, "n", runtime.PerRoutine) // want `runtime.JobCell falls back`
	if err != nil {
		c = &runtime.Cell[int]{}
	}
	return *c.RLock(), nil
}

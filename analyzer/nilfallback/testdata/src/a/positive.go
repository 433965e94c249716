package a

import (
	"context"
	"errors"
	"log"

	"github.com/routigen/routigen/runtime"
	rt "github.com/routigen/routigen/runtime"

	"errs"
	"helpers"
	"states"
)

func earlyReturnNil(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx) // want `falls back when the job is missing`
	if !ok {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func bareReturn(ctx context.Context) {
	ec, ok := runtime.ExecFromContext(ctx) // want `falls back when the routine activation is missing`
	if !ok {
		return
	}
	ec.Job.Trace(ec.RoutineID, "a", nil)
}

func discarded(ctx context.Context) int {
	job, _ := runtime.JobFromContext(ctx) // want `the ok of runtime.JobFromContext is discarded, so code carries on when the job is missing; fail fast: use runtime.RequireJob and return its error`
	job.Trace("r", "a", nil)
	return 1
}

func discardedAccessor(ctx context.Context) int {
	a, _ := states.LoopStateOf(ctx) // want `the error of states.LoopStateOf is discarded, so code carries on when the state is unavailable`
	return a.Iteration()
}

func discardedWholly(ctx context.Context) {
	runtime.RequireJob(ctx) // want `the error of runtime.RequireJob is discarded`
}

func untested(ctx context.Context) error {
	ec, ok := runtime.ExecFromContext(ctx) // want `the result of runtime.ExecFromContext is used without testing for a missing routine activation`
	log.Printf("exec %v %v", ec, ok)
	ec.Job.Trace(ec.RoutineID, "a", nil)
	return nil
}

func switchFallback(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back when the job is missing; fail fast: return its error`
	switch {
	case errors.Is(err, runtime.ErrNoJob):
		return nil
	case err != nil:
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func elseIfChain(ctx context.Context) error {
	ec, err := runtime.RequireExec(ctx) // want `runtime.RequireExec falls back when the routine activation is missing`
	count := 0
	if err != nil && errors.Is(err, runtime.ErrNoRoutine) {
		count = -1
	} else if err != nil {
		return err
	} else {
		count = len(ec.RoutineID)
	}
	return runtime.Emit(ctx, "out", runtime.Message{"count": count})
}

func errNilSkips(ctx context.Context) error {
	a, err := states.LoopStateOf(ctx) // want `LoopStateOf silently skips the work when the state is unavailable`
	if err == nil {
		a.SetIteration(a.Iteration() + 1)
	}
	return nil
}

func alias(ctx context.Context) error {
	job, ok := rt.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
	if !ok {
		job = &rt.JobContext{}
	}
	job.Trace("r", "a", nil)
	return nil
}

// shadowed tests an ok that is not the lookup's.
func shadowed(ctx context.Context) error {
	var job *runtime.JobContext
	ok := false
	if j, ok := runtime.JobFromContext(ctx); ok { // want `runtime.JobFromContext silently skips the work`
		job = j
	}
	if ok {
		return errors.New("unreachable: this ok is not the lookup's")
	}
	job.Trace("r", "a", nil)
	return nil
}

var closure = func(ctx context.Context, in runtime.Input) error {
	job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
	if !ok {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func getJob(ctx context.Context) (*runtime.JobContext, bool) { // want getJob:"lookup helper of runtime.JobFromContext"
	return runtime.JobFromContext(ctx)
}

func localHelper(ctx context.Context) error {
	job, ok := getJob(ctx) // want `getJob \(which returns runtime.JobFromContext\) falls back when the job is missing; fail fast: return an error when its ok is false`
	if !ok {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func crossPackageHelper(ctx context.Context) error {
	job, ok := helpers.Job(ctx) // want `helpers.Job \(which returns runtime.JobFromContext\) falls back`
	if !ok {
		job = &runtime.JobContext{}
	}
	job.Trace("r", "a", nil)
	return nil
}

func methodValue(ctx context.Context, src *helpers.Source) error {
	get := src.Job
	if job, ok := get(ctx); ok { // want `helpers.Source.Job \(which returns runtime.JobFromContext\) silently skips`
		job.Trace("r", "a", nil)
	}
	return nil
}

func valueOnlyHelper(ctx context.Context) error {
	if ec := helpers.Routine(ctx); ec != nil { // want `helpers.Routine \(which returns runtime.ExecFromContext\) silently skips the work when the routine activation is missing; fail fast: return an error when it returns nil`
		ec.Job.Trace(ec.RoutineID, "a", nil)
	}
	return nil
}

func errorHelper(ctx context.Context) error {
	ec, err := helpers.Exec(ctx) // want `helpers.Exec \(which returns runtime.RequireExec\) falls back`
	if err != nil {
		return nil
	}
	ec.Job.Trace(ec.RoutineID, "a", nil)
	return nil
}

func valueTestSkips(ctx context.Context) error {
	job, _ := runtime.JobFromContext(ctx) // want `runtime.JobFromContext silently skips`
	if job != nil {
		job.Trace("r", "a", nil)
	}
	return nil
}

type thing struct{ n int }

func returnNilNil(ctx context.Context) (*thing, error) {
	a, err := states.LoopStateOf(ctx) // want `LoopStateOf falls back`
	if err != nil {
		return nil, nil
	}
	return &thing{n: a.Iteration()}, nil
}

func loggedAndCarriedOn(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back`
	if err != nil {
		log.Printf("no job: %v", err)
		job = &runtime.JobContext{}
	}
	job.Trace("r", "a", nil)
	return nil
}

func workerAccessor(ctx context.Context) int {
	c, err := states.CounterOf(ctx) // want `CounterOf falls back`
	if err != nil {
		return 0
	}
	return c.N()
}

func loopContinue(ctx context.Context, items []string) error {
	for _, it := range items {
		job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext`
		if !ok {
			continue
		}
		job.Trace(it, "a", nil)
	}
	return nil
}

func phiReturn(ctx context.Context) error {
	var err error
	job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
	if !ok {
		log.Print("no job")
	} else {
		err = use(job)
	}
	return err
}

func use(job *runtime.JobContext) error { return nil }

func routineIDOnly(ctx context.Context) string {
	ec, err := runtime.RequireExec(ctx) // want `runtime.RequireExec falls back`
	if err != nil {
		return "unknown"
	}
	return ec.RoutineID
}

func errsMaybe(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
	if !ok {
		return errs.Maybe(nil)
	}
	job.Trace("r", "a", nil)
	return nil
}

type routine struct{ id string }

func (r *routine) exec(ctx context.Context) (*runtime.ExecContext, bool) { // want exec:"lookup helper of runtime.ExecFromContext"
	ec, ok := runtime.ExecFromContext(ctx)
	return ec, ok
}

func (r *routine) localMethodValue(ctx context.Context) error {
	get := r.exec
	ec, ok := get(ctx) // want `routine.exec \(which returns runtime.ExecFromContext\) falls back`
	if !ok {
		ec = &runtime.ExecContext{RoutineID: r.id}
	}
	return runtime.Emit(ctx, ec.RoutineID, nil)
}

func closureHelper(ctx context.Context) error {
	get := func() (*runtime.JobContext, bool) {
		return runtime.JobFromContext(ctx)
	}
	if job, ok := get(); ok { // want `silently skips the work when the job is missing`
		job.Trace("r", "a", nil)
	}
	return nil
}

func negatedVariable(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext falls back`
	missing := !ok
	if missing {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func okNotTrue(ctx context.Context) int {
	ec, ok := runtime.ExecFromContext(ctx) // want `runtime.ExecFromContext falls back`
	if ok != true {
		return -1
	}
	return len(ec.RoutineID)
}

func goroutineSkips(ctx context.Context, done chan<- struct{}) {
	go func() {
		defer close(done)
		job, err := runtime.RequireJob(ctx) // want `runtime.RequireJob falls back`
		if err != nil {
			return
		}
		job.Trace("r", "a", nil)
	}()
}

func emptyInputEscapes(ctx context.Context, items []string) error {
	job, ok := runtime.JobFromContext(ctx) // want `runtime.JobFromContext`
	for _, it := range items {
		if !ok {
			return errNoJob
		}
		job.Trace(it, "a", nil)
	}
	return nil
}

var background, _ = runtime.JobFromContext(context.Background()) // want `the ok of runtime.JobFromContext is discarded`

func mergedConditionFallback(ctx context.Context, in runtime.Input) error {
	ec, ok := runtime.ExecFromContext(ctx) // want `runtime.ExecFromContext (falls back|silently skips the work) when the routine activation is missing`
	missing := !ok || ec.RoutineID == ""
	id := "default"
	if !missing {
		id = ec.RoutineID
	}
	return runtime.Emit(ctx, "out", runtime.Message{"id": id})
}

// The variadic arguments hold something else than the lookup's error: the
// call may return nil.
func statusNotWrapped(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx) // want `nilfallback: runtime.RequireJob falls back`
	if err != nil {
		return errs.Status(0, "no job: %v", "ok")
	}
	job.Trace("r", "a", nil)
	return nil
}

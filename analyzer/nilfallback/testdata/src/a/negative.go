package a

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/routigen/routigen/runtime"
	rt "github.com/routigen/routigen/runtime"

	"errs"
	"helpers"
	"states"
)

var errNoJob = errors.New("a: no job")

func requireJob(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func wrapSentinel(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return fmt.Errorf("a: %w", runtime.ErrNoJob)
	}
	job.Trace("r", "a", nil)
	return nil
}

func sentinel(ctx context.Context) error {
	job, ok := rt.JobFromContext(ctx)
	if !ok {
		return runtime.ErrNoJob
	}
	job.Trace("r", "a", nil)
	return nil
}

func panics(ctx context.Context) {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		panic("a: no job")
	}
	job.Trace("r", "a", nil)
}

func fatal(ctx context.Context) {
	ec, ok := runtime.ExecFromContext(ctx)
	if !ok {
		log.Fatal("a: no routine")
	}
	ec.Job.Trace(ec.RoutineID, "a", nil)
}

func exits(ctx context.Context) {
	ec, ok := runtime.ExecFromContext(ctx)
	if !ok {
		fmt.Fprintln(os.Stderr, "a: no routine")
		os.Exit(2)
	}
	ec.Job.Trace(ec.RoutineID, "a", nil)
}

func switchFailFast(ctx context.Context) error {
	a, err := states.LoopStateOf(ctx)
	switch {
	case err != nil:
		return err
	default:
		a.SetIteration(a.Iteration() + 1)
	}
	return nil
}

func switchOnOk(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx)
	switch ok {
	case false:
		return errNoJob
	}
	job.Trace("r", "a", nil)
	return nil
}

func elseIfFailFast(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx)
	if errors.Is(err, runtime.ErrNoJob) {
		return fmt.Errorf("a: run me in a flow: %w", err)
	} else if err != nil {
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func routineID(ctx context.Context, in runtime.Input) error {
	ec, _ := runtime.ExecFromContext(ctx)
	if ec == nil || ec.RoutineID == "" {
		return errors.New("a: no routine activation")
	}
	return runtime.Emit(ctx, "out", runtime.Message{"n": len(in.Slot("in"))})
}

func valueTested(ctx context.Context) error {
	job, _ := runtime.JobFromContext(ctx)
	if job == nil {
		return errNoJob
	}
	job.Trace("r", "a", nil)
	return nil
}

func returnNilErr(ctx context.Context) (*runtime.ExecContext, int, error) { // want returnNilErr:"lookup helper of runtime.RequireExec"
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return nil, 0, err
	}
	return ec, len(ec.RoutineID), nil
}

func namedResults(ctx context.Context) (n int, err error) {
	a, err := states.LoopStateOf(ctx)
	if err != nil {
		return
	}
	n = a.Iteration()
	return
}

func crossPackageAlwaysErr(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return helpers.ErrMissing("job")
	}
	job.Trace("r", "a", nil)
	return nil
}

type missing struct{ what string }

func (m missing) Error() string { return "a: no " + m.what }

func errFor(what string) error { // want errFor:"always returns a non-nil error"
	if what == "" {
		return errors.New("a: missing")
	}
	return missing{what}
}

func localAlwaysErr(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return errFor("job")
	}
	job.Trace("r", "a", nil)
	return nil
}

func wrapper(err error) error { return err }

func wrapsLookupErr(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return wrapper(err)
	}
	job.Trace("r", "a", nil)
	return nil
}

func crossPackageNoReturn(ctx context.Context) {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		helpers.Die("no job")
	}
	job.Trace("r", "a", nil)
}

func process(job *runtime.JobContext, err error) error {
	if err != nil {
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func passedStraightOn(ctx context.Context) error {
	if err := process(runtime.RequireJob(ctx)); err != nil {
		return err
	}
	return nil
}

func helperNilFalse(ctx context.Context) (*runtime.JobContext, bool) { // want helperNilFalse:"lookup helper of runtime.JobFromContext"
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return nil, false
	}
	return job, true
}

func redundantSecondTest(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return errNoJob
	}
	if job != nil {
		job.Trace("r", "a", nil)
	}
	return nil
}

func unrelatedShadow(ctx context.Context, m map[string]int) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return errNoJob
	}
	if n, ok := m["n"]; !ok {
		n = 0
		_ = n
	}
	job.Trace("r", "a", nil)
	return nil
}

var closureFailFast = func(ctx context.Context, in runtime.Input) error {
	a, err := states.LoopStateOf(ctx)
	if err != nil {
		return err
	}
	a.SetIteration(len(in.Slot("in")))
	return nil
}

func presentFails(ctx context.Context) error {
	if _, ok := runtime.JobFromContext(ctx); ok {
		return errors.New("a: must run outside a job")
	}
	return nil
}

func methodValueFailFast(ctx context.Context, src *helpers.Source) error {
	get := src.Job
	job, ok := get(ctx)
	if !ok {
		return errNoJob
	}
	job.Trace("r", "a", nil)
	return nil
}

func logAndReturn(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		log.Print(err)
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func isThenNonNil(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx)
	if errors.Is(err, runtime.ErrNoJob) {
		return errNoJob
	}
	if err != nil {
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func phiFailFast(ctx context.Context) error {
	var err error
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		err = errors.New("a: no job")
	} else {
		err = use(job)
	}
	return err
}

func loopFailFast(ctx context.Context, items []string) error {
	for _, it := range items {
		job, ok := runtime.JobFromContext(ctx)
		if !ok {
			return errNoJob
		}
		job.Trace(it, "a", nil)
	}
	return nil
}

func helperCallers(ctx context.Context) error {
	job, ok := helpers.Job(ctx)
	if !ok {
		return errNoJob
	}
	ec, err := helpers.Exec(ctx)
	if err != nil {
		return err
	}
	if r := helpers.Routine(ctx); r == nil {
		return errors.New("a: no routine")
	}
	l, ok := getJob(ctx)
	if !ok {
		return errNoJob
	}
	job.Trace(ec.RoutineID, "a", nil)
	l.Trace(ec.RoutineID, "a", nil)
	return nil
}

func suppressed(ctx context.Context) error {
	//routigen:ignore nilfallback the demo also runs without a flow
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func okHandedOn(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx)
	return handle(job, ok)
}

func handle(job *runtime.JobContext, ok bool) error {
	if !ok {
		return errNoJob
	}
	return nil
}

func goroutine(ctx context.Context) {
	go func() {
		job, ok := runtime.JobFromContext(ctx)
		if !ok {
			panic(errNoJob)
		}
		job.Trace("r", "a", nil)
	}()
}

func errsNoJob(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return errs.NoJob("job")
	}
	job.Trace("r", "a", nil)
	return nil
}

func errsWrapped(ctx context.Context) (int, error) {
	ec, err := runtime.RequireExec(ctx)
	if errors.Is(err, runtime.ErrNoRoutine) {
		return 0, errs.Wrapped("routine")
	} else if err != nil {
		return 0, err
	}
	return len(ec.RoutineID), nil
}

func (r *routine) localMethodValueFailFast(ctx context.Context) error {
	get := r.exec
	ec, ok := get(ctx)
	if !ok {
		return fmt.Errorf("routine %s: %w", r.id, runtime.ErrNoRoutine)
	}
	return runtime.Emit(ctx, ec.RoutineID, nil)
}

func closureHelperFailFast(ctx context.Context) error {
	get := func() (*runtime.JobContext, error) {
		return runtime.RequireJob(ctx)
	}
	job, err := get()
	if err != nil {
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func negatedVariableFailFast(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx)
	missing := !ok
	if missing {
		return errNoJob
	}
	job.Trace("r", "a", nil)
	return nil
}

func namedErrAssigned(ctx context.Context) (n int, err error) {
	a, e := states.LoopStateOf(ctx)
	if e != nil {
		err = e
		return
	}
	return a.Iteration(), nil
}

func joined(ctx context.Context, other error) error {
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return errors.Join(err, other)
	}
	job.Trace("r", "a", nil)
	return nil
}

func loggerMethod(ctx context.Context, l *log.Logger) {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		l.Fatalf("no job")
	}
	job.Trace("r", "a", nil)
}

func selectLoop(ctx context.Context, in <-chan string) error {
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case s := <-in:
			job.Trace(s, "a", nil)
		}
	}
}

func existingErrReturned(ctx context.Context) error {
	ec, err := runtime.RequireExec(ctx)
	if err == nil {
		ec.Job.Trace(ec.RoutineID, "a", nil)
	}
	return err
}

func mergedCondition(ctx context.Context, in runtime.Input) error {
	ec, ok := runtime.ExecFromContext(ctx)
	missing := !ok || ec.RoutineID == ""
	if missing {
		return errors.New("a: no routine activation")
	}
	return runtime.Emit(ctx, "out", runtime.Message{"n": len(in.Slot(ec.RoutineID))})
}

func switchOnErr(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx)
	switch err {
	case nil:
		job.Trace("r", "a", nil)
	default:
		return err
	}
	return nil
}

func otherErrorsToo(ctx context.Context) error {
	ec, err := runtime.RequireExec(ctx)
	if errors.Is(err, runtime.ErrNoRoutine) {
		return fmt.Errorf("a: run me inside a flow: %w", err)
	}
	if err != nil {
		return err
	}
	defer ec.Job.Trace(ec.RoutineID, "done", nil)
	ec.Job.Trace(ec.RoutineID, "start", nil)
	return nil
}

func valueOnlyHelperFailFast(ctx context.Context) error {
	ec := helpers.Routine(ctx)
	if ec == nil {
		return errNoJob
	}
	ec.Job.Trace(ec.RoutineID, "a", nil)
	return nil
}

func everyLookup(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return errNoJob
	}
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	a, err := states.LoopStateOf(ctx)
	if err != nil {
		return fmt.Errorf("a: loop state: %w", err)
	}
	c, err := states.CounterOf(ctx)
	if err != nil {
		return err
	}
	job.Trace(ec.RoutineID, "a", runtime.Message{"i": a.Iteration(), "n": c.N()})
	return nil
}

func generic[T any](ctx context.Context, v T) (T, error) {
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	job.Trace("r", "a", runtime.Message{"v": v})
	return v, nil
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func mustStyle(ctx context.Context) {
	job := must(runtime.RequireJob(ctx))
	job.Trace("r", "a", nil)
}

func orElseWithJob(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return errNoJob
	} else if job.ID() == "" {
		return nil // nothing to do for an anonymous job: not the missing case
	}
	job.Trace("r", "a", nil)
	return nil
}

func resultAndWrappedError(ctx context.Context, name string) (*thing, error) {
	a, err := states.LoopStateOf(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &thing{n: a.Iteration()}, nil
}

func abort(err error) {
	panic(fmt.Sprintf("a: %v", err))
}

func localNoReturn(ctx context.Context) {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		abort(err)
	}
	ec.Job.Trace(ec.RoutineID, "a", nil)
}

func errorSent(ctx context.Context, errc chan<- error) {
	go func() {
		job, err := runtime.RequireJob(ctx)
		if err != nil {
			errc <- err
			return
		}
		job.Trace("r", "a", nil)
	}()
}

func loopBreakFailFast(ctx context.Context, n int) error {
	for i := 0; i < n; i++ {
		ec, ok := runtime.ExecFromContext(ctx)
		if !ok {
			return fmt.Errorf("a: iteration %d: %w", i, runtime.ErrNoRoutine)
		}
		if i > 3 {
			break
		}
		ec.Job.Trace(ec.RoutineID, "a", nil)
	}
	return nil
}

// The lookup's error among a call's variadic arguments, as gRPC's
// status.Errorf(codes.Internal, "…: %v", err) takes it: that call wraps it.
func statusWrapped(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return errs.Status(13, "no job: %v", err)
	}
	job.Trace("r", "a", nil)
	return nil
}

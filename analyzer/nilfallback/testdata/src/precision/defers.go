package precision

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"

	"github.com/routigen/routigen/runtime"
)

var errNoJob = errors.New("precision: no job")

type store struct {
	mu   sync.Mutex
	seen map[string]int
	job  *runtime.JobContext
	ok   bool
	err  error
}

func (s *store) lockedSentinel(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return errNoJob
	}
	s.seen[job.ID()]++
	return nil
}

func (s *store) lockedNew(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ec, ok := runtime.ExecFromContext(ctx)
	if !ok {
		return errors.New("precision: no routine")
	}
	s.seen[ec.RoutineID]++
	return nil
}

func deferredLog(ctx context.Context) error {
	defer log.Println("done")
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return fmt.Errorf("deferred log: %w", runtime.ErrNoJob)
	}
	job.Trace("r", "a", nil)
	return nil
}

func deferredClosure(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			log.Printf("failed: %v", err)
		}
	}()
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return fmt.Errorf("deferred closure: %v", "no job")
	}
	job.Trace("r", "a", nil)
	return nil
}

func namedResults(ctx context.Context) (n int, err error) {
	defer func() { log.Println(n) }()
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return 0, err
	}
	n = len(ec.RoutineID)
	return n, nil
}

func viaVariable(ctx context.Context) error {
	var job *runtime.JobContext
	if j, ok := runtime.JobFromContext(ctx); ok {
		job = j
	}
	if job == nil {
		return errNoJob
	}
	job.Trace("r", "a", nil)
	return nil
}

func namedBareReturn(ctx context.Context) (err error) {
	defer s0.mu.Unlock()
	s0.mu.Lock()
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		err = errNoJob
		return
	}
	job.Trace("r", "a", nil)
	return
}

func namedBareReturnNoDefer(ctx context.Context) (err error) {
	ec, ok := runtime.ExecFromContext(ctx)
	if !ok {
		err = fmt.Errorf("named: %w", runtime.ErrNoRoutine)
		return
	}
	ec.Job.Trace(ec.RoutineID, "a", nil)
	return
}

var s0 store

func deferredRecover(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return fmt.Errorf("deferred recover: %w", err)
	}
	job.Trace("r", "a", nil)
	return nil
}

func deferInLoop(ctx context.Context, names []string) error {
	for _, n := range names {
		s0.mu.Lock()
		defer s0.mu.Unlock()
		job, ok := runtime.JobFromContext(ctx)
		if !ok {
			return errNoJob
		}
		job.Trace(n, "a", nil)
	}
	return nil
}

func lockedPanics(ctx context.Context) {
	s0.mu.Lock()
	defer s0.mu.Unlock()
	if _, ok := runtime.ExecFromContext(ctx); !ok {
		panic("precision: no routine")
	}
}

// A defer does not turn a fallback into a failure.
func lockedFallback(ctx context.Context) error {
	s0.mu.Lock()
	defer s0.mu.Unlock()
	job, ok := runtime.JobFromContext(ctx) // want `nilfallback: runtime.JobFromContext falls back when the job is missing`
	if !ok {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func deferredNamedNil(ctx context.Context) (err error) {
	defer log.Println("x")
	if _, ok := runtime.ExecFromContext(ctx); !ok { // want `nilfallback: runtime.ExecFromContext falls back when the routine activation is missing`
		err = nil
		return
	}
	s0.seen["x"]++
	return nil
}

// The named result is set in a branch and returned after the merge.
func namedSetInBranch(ctx context.Context) (err error) {
	s0.mu.Lock()
	defer s0.mu.Unlock()
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		err = errNoJob
	} else {
		job.Trace("r", "a", nil)
	}
	return
}

func namedSetInBranchNoDefer(ctx context.Context) (err error) {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		err = fmt.Errorf("branch: %w", runtime.ErrNoJob)
	} else {
		job.Trace("r", "a", nil)
	}
	return err
}

func namedClearedInBranch(ctx context.Context) (err error) {
	defer log.Println("x")
	job, ok := runtime.JobFromContext(ctx) // want `nilfallback: runtime.JobFromContext falls back when the job is missing`
	if !ok {
		err = nil
	} else {
		job.Trace("r", "a", nil)
	}
	return
}

// The lookup's error assigned to the named result, which a function with a
// defer keeps in a local until it returns, and then tested: the missing
// case's return nil is a fallback.
func namedErrFallback(ctx context.Context) (err error) {
	s0.mu.Lock()
	defer s0.mu.Unlock()
	job, err := runtime.RequireJob(ctx) // want `nilfallback: runtime.RequireJob falls back when the job is missing`
	if err != nil {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

func namedOKFallback(ctx context.Context) (job *runtime.JobContext, ok bool, err error) {
	defer log.Println("x")
	job, ok = runtime.JobFromContext(ctx) // want `nilfallback: runtime.JobFromContext falls back when the job is missing`
	if !ok {
		job = spareJob
	}
	return job, true, nil
}

// The same, failing: none is reported.
func namedErrReturned(ctx context.Context) (err error) {
	s0.mu.Lock()
	defer s0.mu.Unlock()
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func namedErrBare(ctx context.Context) (n int, err error) {
	defer log.Println("x")
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return
	}
	job.Trace("r", "a", nil)
	return 1, nil
}

func namedErrWrapped(ctx context.Context) (err error) {
	defer log.Println("x")
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		err = fmt.Errorf("wrapped: %w", err)
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func namedErrTestedTwice(ctx context.Context) (err error) {
	defer log.Println("x")
	job, err := runtime.RequireJob(ctx)
	if err == nil {
		job.Trace("r", "a", nil)
	}
	if err != nil {
		return err
	}
	return nil
}

// The deferred function reads and handles the error: its own business.
func namedErrCaptured(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("captured: %w", err)
		}
	}()
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

// The present case returns the named result itself: return err stores err
// back into err, which hands nothing on.
func namedErrLoggedFallback(ctx context.Context) (err error) {
	defer log.Println("x")
	job, err := runtime.RequireJob(ctx) // want `nilfallback: runtime.RequireJob falls back when the job is missing`
	if err != nil {
		log.Print(err)
		return nil
	}
	job.Trace("r", "a", nil)
	return err
}

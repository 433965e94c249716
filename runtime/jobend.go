package runtime

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// How a job ends, and what its end reaches: the status, the Done channel,
// the contexts of its logic (and those derived from them), its timeout
// timer and, through its owner, the runtime's timers and hooks.

// finish moves the job to a final status once and reports whether this call
// did it.
func (j *JobContext) finish(s JobStatus, err error) bool { return j.finishWith(s, err, true) }

// completeSettled is Complete for a job its scheduler found with no work
// left: no retry or throttle wait is pending, so the owner has nothing to
// abort.
func (j *JobContext) completeSettled() { j.finishWith(JobCompleted, nil, false) }

// finishWith is setFinal then ended, under one hold of j.mu.
func (j *JobContext) finishWith(s JobStatus, err error, abort bool) bool {
	j.mu.Lock()
	if !j.setFinalLocked(s, err) {
		j.mu.Unlock()
		return false
	}
	t, afters := j.takeEndersLocked()
	j.mu.Unlock()
	j.runEnders(t, afters, abort)
	return true
}

// setFinal records the final status once and reports whether this call did
// it. It takes only j.mu, so the scheduler may call it under jobRun.mu; the
// winner then calls ended, outside every lock.
func (j *JobContext) setFinal(s JobStatus, err error) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.setFinalLocked(s, err)
}

func (j *JobContext) setFinalLocked(s JobStatus, err error) bool {
	if JobStatus(j.status).Finished() {
		return false
	}
	j.status = int32(s)
	if err != nil {
		j.extraLocked().err = err
	}
	j.completed = j.clock().since()
	if j.owner != nil {
		// Under mu: whoever sees the final status sees it counted.
		j.owner.count(s)
	}
	// finished and done change together, under mu: ctxErr relies on it.
	j.finished.Store(true)
	if j.done != nil {
		close(j.done)
	}
	return true
}

// ended tells everyone who waits on the job's end, once, after setFinal:
// the timeout timer stops, contexts derived from logic's are cancelled, and
// the owner stops the job's retry and throttle waits and runs AfterJob.
func (j *JobContext) ended() {
	j.mu.Lock()
	t, afters := j.takeEndersLocked()
	j.mu.Unlock()
	j.runEnders(t, afters, true)
}

// jobTimers is the part of a JobContext that only jobs with a deadline or
// with contexts derived from logic's need, made on first use.
type jobTimers struct {
	// deadline is WithTimeout's (zero: none), fixed when tm is made: before
	// the job is posted if it has one.
	deadline time.Time
	// timeout is the deadline's timer and afters the AfterFuncs of
	// contexts derived from logic's; guarded by the job's mu.
	timeout *time.Timer
	afters  []*afterFunc
}

// setDeadline gives a job that is not posted yet its deadline.
func (j *JobContext) setDeadline(d time.Time) {
	if !d.IsZero() {
		j.tm.Store(&jobTimers{deadline: d})
	}
}

// deadline is the job's deadline, zero if none.
func (j *JobContext) deadline() time.Time {
	if tm := j.tm.Load(); tm != nil {
		return tm.deadline
	}
	return time.Time{}
}

// timersLocked returns j.tm, making it. j.mu must be held.
func (j *JobContext) timersLocked() *jobTimers {
	if tm := j.tm.Load(); tm != nil {
		return tm
	}
	tm := new(jobTimers)
	j.tm.Store(tm)
	return tm
}

func (j *JobContext) takeEndersLocked() (*time.Timer, []*afterFunc) {
	tm := j.tm.Load()
	if tm == nil {
		return nil, nil
	}
	t, afters := tm.timeout, tm.afters
	tm.timeout, tm.afters = nil, nil
	return t, afters
}

func (j *JobContext) runEnders(t *time.Timer, afters []*afterFunc, abort bool) {
	if t != nil {
		t.Stop()
	}
	for _, a := range afters {
		a.f()
	}
	if j.owner != nil {
		j.owner.finished(j, abort)
	}
}

// jobOwner is told when a job finishes: count runs under the job's lock
// (it must be quick and must not call the job), finished after. jobID
// formats the id number the owner gave the job.
type jobOwner interface {
	count(JobStatus)
	finished(j *JobContext, abort bool)
	jobID(n uint64) string
	// clock tells the job's times (see clock), workerID the id of the
	// worker it runs on, limits the bounds of its trace and captured log.
	clock() *clock
	workerID() string
	limits() (trace, log int)
}

// clock is the clock of the job's times: its owner's, else the process's.
func (j *JobContext) clock() *clock {
	if j.owner == nil {
		return &processClock
	}
	return j.owner.clock()
}

// detached owns the jobs that belong to no runtime (NewJobContext) and
// the views of finished jobs that Lookup makes: nothing to count or to
// tell, an id of the worker, and the process's clock.
type detached struct {
	worker     string
	traceLimit int
}

func (d *detached) count(JobStatus)            {}
func (d *detached) finished(*JobContext, bool) {}
func (d *detached) jobID(uint64) string        { return "" } // never asked: such jobs have their id
func (d *detached) clock() *clock              { return &processClock }
func (d *detached) workerID() string           { return d.worker }
func (d *detached) limits() (int, int)         { return d.traceLimit, DefaultLogLimit }

// ctxErr is the Err of the job's logic contexts: nil while the job runs,
// then context.DeadlineExceeded when it was cancelled by its deadline,
// else context.Canceled (its own error is Err's, not the context's).
func (j *JobContext) ctxErr() error {
	if !j.finished.Load() {
		return nil
	}
	j.mu.Lock() // setFinal closes done under mu: wait for it
	defer j.mu.Unlock()
	if j.status == int32(JobCancelled) && isErr(j.errLocked(), context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return context.Canceled
}

type afterFunc struct{ f func() }

// afterFunc arranges for f to run once the job ends. Logic's context
// offers it as its AfterFunc method, which package context uses to cancel
// contexts derived from it without a goroutine each.
func (j *JobContext) afterFunc(f func()) (stop func() bool) {
	j.mu.Lock()
	if JobStatus(j.status).Finished() {
		j.mu.Unlock()
		go f() // never on the caller's goroutine: it may hold a lock f takes
		return func() bool { return false }
	}
	a := &afterFunc{f}
	tm := j.timersLocked()
	tm.afters = append(tm.afters, a)
	j.mu.Unlock()
	return func() bool {
		j.mu.Lock()
		defer j.mu.Unlock()
		i := slices.Index(tm.afters, a)
		if i < 0 {
			return false
		}
		tm.afters = slices.Delete(tm.afters, i, i+1)
		return true
	}
}

// armTimeout starts the timer of a job posted WithTimeout: at its deadline
// a job still running is cancelled with an error matching
// context.DeadlineExceeded.
func (j *JobContext) armTimeout(d time.Duration) {
	timedOut := func() {
		j.Cancel(fmt.Errorf("job timed out after %v: %w", d, context.DeadlineExceeded))
	}
	left := time.Until(j.deadline())
	if left <= 0 { // past already: the job ends before its first message
		timedOut()
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if !JobStatus(j.status).Finished() {
		j.timersLocked().timeout = time.AfterFunc(left, timedOut)
	}
}

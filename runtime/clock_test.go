package runtime_test

import (
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// A job's times come from the runtime's monotonic clock: they must order
// with time.Now, and their wall readings must agree with the wall clock.
func TestJobTimes(t *testing.T) {
	r := newRuntime(t)
	f := runtime.NewFlow("times")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	mustRegister(t, r, f)
	before := time.Now()
	time.Sleep(2 * time.Millisecond) // the runtime's clock started before: it must still be exact
	job := mustPost(t, r, "times", "a", "in", nil)
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	created, completed := job.CreatedAt(), job.CompletedAt()
	if created.Before(before) || completed.Before(created) || after.Before(completed) {
		t.Errorf("times out of order: before %v, created %v, completed %v, after %v", before, created, completed, after)
	}
	// Wall readings (Round(0) drops the monotonic one) agree too.
	if d := created.Round(0).Sub(before.Round(0)); d < 0 || d > time.Second {
		t.Errorf("created %v is %v after %v on the wall clock", created, d, before)
	}
}

// Jobs outside a runtime tell time by the process's clock: CreatedAt when
// made, CompletedAt zero until they finish; a zero JobContext has neither
// time nor worker.
func TestDetachedJobTimes(t *testing.T) {
	before := time.Now()
	job := runtime.NewJobContext("j", "f", "w", nil)
	if job.WorkerID() != "w" || job.FlowID() != "f" || job.ID() != "j" {
		t.Errorf("ids %q %q %q, want j f w", job.ID(), job.FlowID(), job.WorkerID())
	}
	if c := job.CreatedAt(); c.Before(before) || time.Now().Before(c) {
		t.Errorf("created %v, not between %v and now", c, before)
	}
	if !job.CompletedAt().IsZero() {
		t.Errorf("a pending job completed at %v", job.CompletedAt())
	}
	job.Complete()
	if c := job.CompletedAt(); c.Before(job.CreatedAt()) || time.Now().Before(c) {
		t.Errorf("completed %v, not between created %v and now", c, job.CreatedAt())
	}
	var zero runtime.JobContext
	if !zero.CreatedAt().IsZero() || zero.WorkerID() != "" || !zero.CompletedAt().IsZero() {
		t.Errorf("zero JobContext: created %v, worker %q, completed %v", zero.CreatedAt(), zero.WorkerID(), zero.CompletedAt())
	}
}

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

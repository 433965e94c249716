package runtime

import (
	"testing"
	"time"
	"unsafe"
)

// A job's block (its JobContext and first activations, one allocation per
// job) is sized to a malloc size class: 576 bytes with the 8-byte header Go
// adds to objects over 512 bytes, with no byte to spare. A field more and it
// takes the 640-byte class, 11 % more memory per job, more garbage
// collection and a malloc span refill every 12 jobs instead of every 14:
// move cold fields to side structs made on first use instead (jobTimers,
// jobExtra), or to the owner (the worker's id, the log limits) or the
// jobRun (an activation's retries), as these were.
func TestJobBlockFitsItsSizeClass(t *testing.T) {
	const class, header = 576, 8
	if n := unsafe.Sizeof(jobBlock{}) + header; n > class {
		t.Errorf("jobBlock is %d bytes with its malloc header, over the %d-byte size class (JobContext %d, activation %d)",
			n, class, unsafe.Sizeof(JobContext{}), unsafe.Sizeof(activation{}))
	}
}

// The free list of a plan's jobRuns keeps at most maxFreeRuns of them and
// hands each out once.
func TestRunListBounded(t *testing.T) {
	var l runList
	if l.get() != nil {
		t.Fatal("get on an empty list returned a jobRun")
	}
	runs := make([]*jobRun, maxFreeRuns+10)
	for i := range runs {
		runs[i] = new(jobRun)
		l.put(runs[i])
	}
	if n := len(l.free); n != maxFreeRuns {
		t.Errorf("list keeps %d jobRuns, want %d", n, maxFreeRuns)
	}
	seen := map[*jobRun]bool{}
	for jr := l.get(); jr != nil; jr = l.get() {
		if seen[jr] {
			t.Fatal("a jobRun came out twice")
		}
		seen[jr] = true
	}
	if len(seen) != maxFreeRuns {
		t.Errorf("got %d jobRuns back, want %d", len(seen), maxFreeRuns)
	}
}

// A job's times are offsets from its clock's base: converting a time to
// one and back gives the same instant, with or without a monotonic reading,
// and the zero time stays zero (CompletedAt of a running job).
func TestJobTimeRoundTrip(t *testing.T) {
	c := newClock()
	now := time.Now()
	for _, tm := range []time.Time{now, now.Round(0), now.Add(-time.Hour).Round(0).UTC(), c.base, time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC)} {
		if got := c.at(c.of(tm)); !got.Equal(tm) && !(tm.Equal(c.base) && got.Sub(tm) == time.Nanosecond) {
			t.Errorf("time %v came back as %v", tm, got)
		}
	}
	if got := c.at(c.of(time.Time{})); !got.IsZero() {
		t.Errorf("the zero time came back as %v", got)
	}
	if d := c.since(); d <= 0 {
		t.Errorf("since is %d, want > 0 (0 is the zero time)", d)
	}
}

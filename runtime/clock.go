package runtime

import "time"

// clock tells the time of a runtime's jobs (CreatedAt, CompletedAt) from
// the monotonic clock alone, anchored to the wall clock once, when the
// runtime is made. time.Now reads two clocks, and on virtual machines each
// read can cost more than the rest of a short job; a job reads the time
// twice. Durations between these times, and between them and any
// time.Now, are exact (Go compares times by their monotonic readings); only
// their wall-clock reading does not follow a step of the system clock made
// after the runtime started.
type clock struct{ base time.Time }

func newClock() clock { return clock{base: time.Now()} }

// processClock tells the times of jobs that belong to no runtime.
var processClock = newClock()

// jobTime is a time of a job (see JobContext) as an offset from its
// clock's base: 8 bytes, not time.Time's 24, so that a job's block fits
// its size class. 0 is the zero time.
type jobTime int64

// since is now by c.
func (c *clock) since() jobTime { return max(jobTime(time.Since(c.base)), 1) }

// of is t by c: exact, since t and c.base are on the same monotonic clock
// when t has a monotonic reading (else their wall clocks are compared).
func (c *clock) of(t time.Time) jobTime {
	if t.IsZero() {
		return 0
	}
	d := jobTime(t.Sub(c.base))
	if d == 0 {
		d = 1 // t is c.base: one nanosecond off, not zero
	}
	return d
}

// at is the time.Time of jt.
func (c *clock) at(jt jobTime) time.Time {
	if jt == 0 {
		return time.Time{}
	}
	return c.base.Add(time.Duration(jt))
}

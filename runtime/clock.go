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

func (c clock) now() time.Time { return c.base.Add(time.Since(c.base)) }

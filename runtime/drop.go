package runtime

import (
	"fmt"
	"slices"
	"strings"
)

// Drop is a group of messages a job left in one slot when it ended, because
// its routine's policy would never consume them: a slot AllSlotsReady was
// still waiting beside, a partial BatchSize batch, messages a Custom policy
// refused.
type Drop struct {
	RoutineID, Slot string
	Count           int
	// Policy is the routine's policy, as Policy.String spells it.
	Policy string
}

// DropMode says what becomes of a job that leaves messages no policy will
// consume.
type DropMode uint8

const (
	// DropComplete lets the job complete: JobContext.Dropped lists what it
	// left and the trace records it ("dropped"). It is the default.
	DropComplete DropMode = iota
	// DropFail fails the job with a *DropError, which matches ErrDropped.
	DropFail
)

// OnDrop sets what a job of the flow that leaves messages no policy will
// consume becomes (default DropComplete).
func (f *Flow) OnDrop(m DropMode) *Flow {
	f.onDrop = m
	return f
}

// DropError is the error of a job of a DropFail flow that left messages.
type DropError struct {
	Drops []Drop
}

func (e *DropError) Error() string {
	var b strings.Builder
	for i, d := range e.Drops {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d at %s.%s (%s)", d.Count, d.RoutineID, d.Slot, d.Policy)
	}
	return "unconsumed messages: " + b.String()
}

// Is reports whether target is ErrDropped.
func (e *DropError) Is(target error) bool { return target == ErrDropped }

// Dropped returns the messages the job left unconsumed when it ended, one
// Drop per slot, in flow order; nil when it left none. A job that ended by
// failing or being cancelled drops what is queued without listing it: its
// outcome says why already.
func (j *JobContext) Dropped() []Drop {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.rec == nil {
		return nil
	}
	return slices.Clone(j.rec.drops)
}

func (j *JobContext) setDropped(d []Drop) {
	j.mu.Lock()
	j.records().drops = d
	j.mu.Unlock()
}

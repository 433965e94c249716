package counters

import (
	"context"
	"slices"
	"strings"

	"github.com/routigen/routigen/runtime"

	"state"
)

// More negatives, in the shapes real code takes.

// The old value kept for a log line, the new one from elsewhere.
func replaceLogged(c state.CounterAccessor, name string, log func(string)) {
	old := c.Label()
	c.SetLabel(name)
	log("label was " + old)
}

// A decision on a read, a write of something else: control flow only.
func containsThenSet(c state.CounterAccessor) {
	if slices.Contains(c.Names(), "x") {
		c.SetNames([]string{"y"})
	}
	if strings.HasPrefix(c.Label(), "tmp") {
		c.SetLabel("")
	}
}

// A snapshot taken before a reset: the reset stores a fresh value.
func snapshotReset(c state.CounterAccessor, report func(state.Counter)) {
	snap := c.Load()
	c.Store(state.Counter{})
	report(snap)
}

// A loaded copy changed locally and never stored back.
func localCopy(c state.CounterAccessor) int {
	v := c.Load()
	v.Count++
	return v.Count
}

// The read-modify-write inside Update.
func inUpdate(c state.CounterAccessor, items []string) {
	c.Update(func(s *state.Counter) {
		s.Count += len(items)
		s.Names = append(s.Names, items...)
	})
}

// One field read, another written from the input only.
func otherFieldFromInput(c state.CounterAccessor, in []string) {
	if c.Count() == 0 {
		c.SetNames(in)
	}
}

// Raw worker state: the key's state read for a decision, a fresh message
// written; and the atomic ModifyRoutineState.
func rawDecide(ctx context.Context) error {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	if _, seen := ec.Worker.RoutineState(ec.RoutineID)["init"]; !seen {
		ec.Worker.UpdateRoutineState(ec.RoutineID, runtime.Message{"init": true})
	}
	ec.Worker.ModifyRoutineState(ec.RoutineID, func(m runtime.Message) {
		n, _ := m["n"].(int)
		m["n"] = n + 1
	})
	return nil
}

// The state of another routine read, this routine's written.
func rawFromOther(ctx context.Context, other string) error {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	prev := ec.Worker.RoutineState(other)
	ec.Worker.UpdateRoutineState(ec.RoutineID, runtime.Message{"prev": len(prev)})
	return nil
}

// Two accessors of two contexts (two routine instances).
func twoInstances(a, b context.Context) error {
	ca, err := state.CounterOf(a)
	if err != nil {
		return err
	}
	cb, err := state.CounterOf(b)
	if err != nil {
		return err
	}
	cb.SetCount(ca.Count() + 1)
	return nil
}

package counters

import (
	"fnutil"

	"state"
)

func viaHelper(c state.CounterAccessor, s state.SessionAccessor) {
	fnutil.Incr(c.Count, c.SetCount)                                            // want `lostupdate: Incr calls c.SetCount with a value computed from c.Count\(\), read in a separate call; concurrent activations sharing this worker-scope Counter lose their updates in between: use c.Update`
	fnutil.Incr(s.Hits, s.SetHits)                                              // want `lostupdate: Incr calls s.SetHits .*shared job-scope Session`
	fnutil.Apply(c.Label, func(l string) string { return l + "!" }, c.SetLabel) // want `lostupdate: Apply calls c.SetLabel`
	bump(c.Total, c.SetTotal)                                                   // want `lostupdate: bump calls c.SetTotal`
}

func bump(get func() float64, set func(float64)) { set(get() * 2) } // want bump:`calls parameter 1 with a value from parameter 0`

// Negatives: helpers that do not read before writing, mismatched or
// different receivers, per-routine job state, plain functions.
func viaHelperOK(c, d state.CounterAccessor, l state.LoopAccessor) {
	fnutil.Reset(c.Count, c.SetCount)
	_ = fnutil.Peek(c.Count, c.SetCount)
	fnutil.Incr(c.Count, d.SetCount)
	fnutil.Incr(l.Iteration, l.SetIteration)
	n := 0
	fnutil.Incr(func() int { return n }, func(v int) { n = v })
	c.Update(func(s *state.Counter) { s.Count++ })
}

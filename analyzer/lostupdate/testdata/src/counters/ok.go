package counters

import (
	"context"
	"fmt"

	"github.com/routigen/routigen/runtime"

	"state"
)

// Negatives: none of these is reported.

// Job-scope state that is not shared: the activations of one routine
// instance for one job are serialized.
func perJob(ctx context.Context) error {
	l, err := state.LoopOf(ctx)
	if err != nil {
		return err
	}
	l.SetIteration(l.Iteration() + 1)
	v := l.Load()
	v.Iteration++
	l.Store(v)
	return nil
}

func atomic(c state.CounterAccessor, n int) {
	c.Update(func(s *state.Counter) { s.Count += n })
}

func otherAccessor(c state.CounterAccessor, sess state.SessionAccessor) {
	c.SetCount(sess.Hits() + 1)
}

func otherField(c state.CounterAccessor) {
	c.SetTotal(float64(c.Count()))
	c.SetLabel(fmt.Sprint(c.Count()))
}

func controlOnly(c state.CounterAccessor) {
	if c.Count() < 10 {
		c.SetCount(10)
	}
	if c.Label() == "" {
		c.Store(state.Counter{Label: "new"})
	}
}

func constantWrites(c state.CounterAccessor) {
	c.SetCount(0)
	c.Store(state.Counter{})
}

func readAfterWrite(c state.CounterAccessor, n int) int {
	c.SetCount(n)
	return c.Count()
}

func reassigned(c state.CounterAccessor) {
	n := c.Count()
	fmt.Println(n)
	n = 5
	c.SetCount(n)
}

func otherContext(ctx, other context.Context) {
	a, _ := state.CounterOf(ctx)
	b, _ := state.CounterOf(other)
	b.Store(a.Load()) // copying between instances is not a lost update
	b.SetCount(a.Count())
}

func rawAtomic(w *runtime.WorkerState, id string) {
	w.ModifyRoutineState(id, func(m runtime.Message) {
		n, _ := m["count"].(int)
		m["count"] = n + 1
	})
}

func rawNotDerived(w *runtime.WorkerState, id string) {
	st := w.RoutineState(id)
	fmt.Println(len(st))
	w.UpdateRoutineState(id, runtime.Message{"seen": true})
}

func rawOtherKey(w *runtime.WorkerState, from, to string) {
	w.UpdateRoutineState(to, w.RoutineState(from))
}

func rawOtherWorker(a, b *runtime.WorkerState, id string) {
	b.UpdateRoutineState(id, a.RoutineState(id))
}

// A hand-written type with the accessor's method names is no accessor.
type fakeCounter struct{ n int }

func (f *fakeCounter) Count() int     { return f.n }
func (f *fakeCounter) SetCount(n int) { f.n = n }

func notGenerated(f *fakeCounter) {
	f.SetCount(f.Count() + 1)
}

func suppressed(c state.CounterAccessor) {
	c.SetCount(c.Count() + 1) //routigen:ignore lostupdate single worker, single job at a time
	//routigen:ignore lostupdate single worker
	c.SetCount(c.Count() + 1)
}

func unusedIgnore(c state.CounterAccessor) {
	//routigen:ignore lostupdate stale // want `lostupdate: unused //routigen:ignore: this check reports nothing on the line`
	c.Update(func(s *state.Counter) { s.Count++ })
}

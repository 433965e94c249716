package counters

import (
	"context"
	"strings"

	"github.com/routigen/routigen/runtime"

	"state"
)

// The fault from the Python original: count = get() + n; update(count),
// while jobs run concurrently on worker state.
func countItems(ctx context.Context, in runtime.Input) error {
	c, err := state.CounterOf(ctx)
	if err != nil {
		return err
	}
	count := c.Count() + len(in.Slot("items"))
	c.SetCount(count) // want `lostupdate: c.SetCount writes a value computed from c.Count\(\), read in a separate call; concurrent activations sharing this worker-scope Counter lose their updates in between: use c.Update`
	return nil
}

// The same fault on raw worker state.
func countRaw(ctx context.Context, n int) error {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	st := ec.Worker.RoutineState(ec.RoutineID)
	count, _ := st["count"].(int)
	ec.Worker.UpdateRoutineState(ec.RoutineID, runtime.Message{"count": count + n}) // want `lostupdate: UpdateRoutineState writes state derived from RoutineState with the same key.*use ModifyRoutineState`
	return nil
}

func rawInPlace(w *runtime.WorkerState, id string) {
	st := w.RoutineState(id)
	st["seen"] = true
	w.UpdateRoutineState(id, st) // want `lostupdate: UpdateRoutineState`
}

func fixes(c state.CounterAccessor, n int, f float64) {
	c.SetCount(c.Count() + n)    // want `lostupdate: c.SetCount`
	c.SetCount(c.Count() - 1)    // want `lostupdate: c.SetCount`
	c.SetCount(c.Count() + 1)    // want `lostupdate: c.SetCount`
	c.SetTotal(c.Total() * f)    // want `lostupdate: c.SetTotal writes a value computed from c.Total\(\)`
	c.SetFlags(c.Flags() | 4)    // want `lostupdate: c.SetFlags`
	c.SetFlags(c.Flags() &^ 1)   // want `lostupdate: c.SetFlags`
	c.SetCount((c.Count() << n)) // want `lostupdate: c.SetCount`
	c.SetLabel(c.Label() + "!")  // want `lostupdate: c.SetLabel`
}

func shadowsS(c state.CounterAccessor, s int) {
	c.SetCount(c.Count() + s) // want `lostupdate: c.SetCount`
}

func sharedJobScope(ctx context.Context) error {
	sess, err := state.SessionOf(ctx)
	if err != nil {
		return err
	}
	sess.SetHits(sess.Hits() + 2) // want `concurrent activations sharing this shared job-scope Session`
	return nil
}

func noMechanicalFix(c state.CounterAccessor, ctx context.Context) {
	c.SetNames(append(c.Names(), "x"))           // want `lostupdate: c.SetNames`
	c.SetLabel(strings.ToUpper(c.Label()))       // want `lostupdate: c.SetLabel`
	c.SetCount(c.Count() + len(c.Names()))       // want `lostupdate: c.SetCount`
	c.SetCount(c.Load().Count + 1)               // want `lostupdate: c.SetCount`
	defer c.SetCount(c.Count() + 1)              // want `lostupdate: c.SetCount`
	c.SetCount(2 * c.Count())                    // want `lostupdate: c.SetCount`
	c.Store(state.Counter{Count: c.Count() + 1}) // want `lostupdate: c.Store writes a value derived from c.Load\(\)`
}

func loadStore(c state.CounterAccessor) {
	v := c.Load()
	v.Count++
	v.Names = append(v.Names, "x")
	c.Store(v) // want `lostupdate: c.Store writes a value derived from c.Load\(\)`
}

func loadStorePointer(c state.CounterAccessor) {
	v := c.Load()
	p := &v
	p.Count++
	c.Store(*p) // want `lostupdate: c.Store`
}

func twoLookups(ctx context.Context) {
	a, _ := state.CounterOf(ctx)
	b, _ := state.CounterOf(ctx)
	b.SetCount(a.Count() + 1) // want `lostupdate: b.SetCount`
}

func closures(c state.CounterAccessor, n int) {
	get := func() int { return c.Count() }
	c.SetCount(get() + n) // want `lostupdate: c.SetCount`
	func() {
		c.SetCount(c.Count() + n) // want `lostupdate: c.SetCount`
	}()
	update := func(v int) { c.SetCount(v) }
	update(n) // not followed: the write is in the callee
}

func current(c state.CounterAccessor) int { return c.Count() }

func helpers(c state.CounterAccessor) {
	c.SetCount(current(c) + 1) // want `lostupdate: c.SetCount`
}

func methodValue(c state.CounterAccessor) {
	set := c.SetCount
	set(c.Count() + 1) // want `lostupdate: the accessor.SetCount`
}

type holder struct{ c state.CounterAccessor }

func fieldReceiver(h *holder) {
	h.c.SetCount(h.c.Count() + 1) // want `lostupdate: h.c.SetCount`
}

func localAlias(c state.CounterAccessor) {
	d := c
	d.SetCount(c.Count() + 1) // want `lostupdate: d.SetCount`
}

// shadowsPackage: the accessor variable named state hides the package
// where the setter is called, so the fix cannot spell *state.Counter there.
func shadowsPackage(ctx context.Context) error {
	state, err := state.CounterOf(ctx)
	if err != nil {
		return err
	}
	state.SetCount(state.Count() + 1) // want `lostupdate: state.SetCount writes a value computed from state.Count\(\)`
	return nil
}

// receives: moving <-ch into Update's function would receive with the
// state locked, later than the read it replaces: no fix.
func receives(c state.CounterAccessor, ch chan int) {
	c.SetCount(c.Count() + <-ch) // want `lostupdate: c.SetCount`
}

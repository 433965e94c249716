// Package lostupdate defines an Analyzer that reports read-modify-write
// updates split into a separate read and write on state that concurrent
// activations share.
//
// # Analyzer lostupdate
//
// lostupdate: report read-modify-writes split into a separate read and write
//
// Worker-scope state lives across the jobs of a worker, and different jobs
// run concurrently on the worker pool; `shared` state is seen by every
// routine of the job or worker. Reading such a value and writing back
// something computed from it in a second call,
//
//	a.SetCount(a.Count() + n)
//
// loses every update another activation makes between the two calls. Each
// accessor method is atomic on its own; the pair is not.
//
// lostupdate reports, on generated accessors of worker-scope or shared
// state (recognised through the facts of the routigenaccessors helper, in
// this package and in the packages it imports):
//
//   - a.SetF(x) where x derives from a.F() or a.Load() of the same accessor;
//   - a.Store(x) where x derives from a.Load() or a field getter of the same
//     accessor;
//   - w.UpdateRoutineState(id, m) where m derives from w.RoutineState(id),
//     with the same worker and the same key, in the same function;
//   - incr(a.F, a.SetF): the getter and setter of one accessor passed as
//     method values to a function that calls the setter with a value
//     computed from the getter (func incr(get func() int, set func(int)) {
//     set(get() + 1) }), in any package: which parameters such a function
//     reads and writes is a fact exported to its callers.
//
// "Derives" follows the data flow within the function: local variables,
// operators, conversions, fields, elements, composite literals, function
// arguments and results, closures' captured variables and the results of
// helper functions of the package. "The same accessor" is the same variable
// or expression (or two calls of one TOf with the same context).
//
// Job-scope state that is not shared is not reported: the activations of one
// routine instance for one job are serialized. Nor is a write whose value
// only depends on the read through control flow (if a.Count() < 10 {
// a.SetCount(10) }), nor the runtime package and its tests. Generated files
// are never reported.
//
// Where the rewrite is mechanical, a.SetF(a.F() OP y) with y free of calls
// and channel receives, the diagnostic carries a suggested fix:
// a.Update(func(s *T) { s.F OP= y }) (s.F++ and s.F-- for ± 1).
//
// Bad:
//
//	//routigen:state scope=worker
//	type Counter struct{ Count int }
//
//	func count(ctx context.Context, in runtime.Input) error {
//		c, err := CounterOf(ctx)
//		if err != nil {
//			return err
//		}
//		n := c.Count() + len(in.Slot("items")) // read
//		c.SetCount(n)                          // write: concurrent jobs' counts are lost
//		return nil
//	}
//
// Good:
//
//	func count(ctx context.Context, in runtime.Input) error {
//		c, err := CounterOf(ctx)
//		if err != nil {
//			return err
//		}
//		c.Update(func(s *Counter) { s.Count += len(in.Slot("items")) })
//		return nil
//	}
//
// For raw worker state, w.ModifyRoutineState(id, func(m runtime.Message) {...})
// is the atomic form of RoutineState followed by UpdateRoutineState.
//
// Suppress a finding with //routigen:ignore lostupdate REASON on the line or
// the line above.
package lostupdate

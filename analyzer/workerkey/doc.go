// Package workerkey defines an Analyzer that reports worker state keyed by a
// constant instead of the routine id.
//
// # Analyzer workerkey
//
// workerkey: report worker state (RoutineState and friends) keyed by a constant
//
// WorkerState keeps one Message per key for the lifetime of the worker. The
// key is meant to be the routine id of the activation (ExecContext.RoutineID):
// then two instances of one routine type, in one flow or in two, keep their
// state apart. A constant key ("cache") is shared by every routine instance
// that uses it, and they overwrite each other's state.
//
// workerkey reports calls of (*runtime.WorkerState).RoutineState,
// UpdateRoutineState and ModifyRoutineState whose key is a constant: a
// literal, a named constant, a concatenation of constants, or a local
// variable assigned only such constants. Calls of method values and method
// expressions count. So does a constant passed to a helper function of the
// same package that hands its parameter on as the key (reported at the
// helper's call site). Keys computed at run time, such as
// ExecContext.RoutineID, are not reported, nor are package-level variables,
// nor the runtime package and its tests. Generated files are never reported.
//
// Bad:
//
//	func cached(ctx context.Context, in runtime.Input) error {
//		ec, err := runtime.RequireExec(ctx)
//		if err != nil {
//			return err
//		}
//		cache := ec.Worker.RoutineState("cache") // every instance shares "cache"
//		...
//	}
//
// Good:
//
//	func cached(ctx context.Context, in runtime.Input) error {
//		ec, err := runtime.RequireExec(ctx)
//		if err != nil {
//			return err
//		}
//		cache := ec.Worker.RoutineState(ec.RoutineID)
//		...
//	}
//
// Better still, declare a //routigen:state scope=worker struct and use its
// generated, typed accessor.
//
// Suppress a finding with //routigen:ignore workerkey REASON on the line or
// the line above.
package workerkey

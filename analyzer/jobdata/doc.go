// Package jobdata defines an Analyzer that reports raw, untyped job-data
// writes.
//
// # Analyzer jobdata
//
// jobdata: report raw job-data writes (SetData, DeleteData, writes into Data() copies)
//
// JobContext.SetData and DeleteData store values under flat string keys.
// Every routine instance of a job sees the same keys, so when one flow holds
// two instances of a routine ("loop" added twice, or one *Routine added under
// two ids) they overwrite each other's "loop_iteration". The values are
// untyped, too: every reader repeats a type assertion. Declare the state as a
// //routigen:state scope=job struct instead; the generated accessor is typed
// and namespaced by the routine id of the activation.
//
// jobdata reports every call of (*runtime.JobContext).SetData or DeleteData,
// including calls of method values (f := job.SetData) and method expressions
// ((*runtime.JobContext).SetData), which it reports where the method is
// taken. The message names the key when it is a constant.
//
// It also reports every write into a map returned by JobContext.Data() or
// Metadata(): an index assignment (m[k] = v, m[k] += v, m[k]++), delete,
// clear, maps.Copy, maps.Insert and maps.DeleteFunc. Both methods return a
// copy, so the write never reaches the job. The map is followed through
// local variables, fields of local struct variables, struct, slice and map
// literals (b := batch{meta: job.Metadata()}; b.meta[k] = v), conversions,
// closures that capture it and helper functions of the same package that
// return it.
//
// A copy passed to a function that writes into that parameter is reported
// at the call (mapx.Stamp(job.Metadata(), k)). Which functions write into
// which map parameters — directly, or by passing it on to one that does —
// is a fact of each function, exported to the packages that call it, as
// x/tools' printf check learns its wrappers; a function that only reads the
// map, clones it first or rebinds the parameter is not a writer.
//
// Not reported: calls through an interface of the user's own or through a
// function value (the callee is unknown there), and
// the runtime package and its tests, which implement and test these
// methods. Generated files are never reported.
//
// jobdata, the first of the checks, also reports bad //routigen:
// directives, so that `go vet` and `routigen lint` show what `routigen gen`
// would refuse: a misplaced or malformed //routigen:state (one in a
// _test.go file or a file with a //go:build line or import "C" too), an
// unknown //routigen:NAME, and a comment that only looks like a directive
// — "// routigen:state" with a space, "//Routigen:", "//routgen:" — which
// Go reads as prose, so the type silently gets no accessors. With jobdata
// turned off (routigen lint -jobdata=false, or disabled in golangci-lint)
// the next check that runs reports them, under its own name: each bad
// directive is reported once, whichever checks run.
//
// Bad:
//
//	func count(ctx context.Context, in runtime.Input) error {
//		job, err := runtime.RequireJob(ctx)
//		if err != nil {
//			return err
//		}
//		n, _ := job.GetData("count")
//		job.SetData("count", n.(int)+len(in.Slot("items"))) // flat key, shared by every instance
//		job.Data()["seen"] = true                             // lost: Data returns a copy
//		return nil
//	}
//
// Good:
//
//	//routigen:state scope=job
//	type CountState struct {
//		Count int
//		Seen  bool
//	}
//
//	func count(ctx context.Context, in runtime.Input) error {
//		st, err := CountStateOf(ctx)
//		if err != nil {
//			return err
//		}
//		st.Update(func(s *CountState) {
//			s.Count += len(in.Slot("items"))
//			s.Seen = true
//		})
//		return nil
//	}
//
// Suppress a finding with //routigen:ignore jobdata REASON on the line or the
// line above.
package jobdata

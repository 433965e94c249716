// Package nilfallback defines an Analyzer that reports code that carries on
// when the context holds no job, routine activation or state, instead of
// failing fast.
//
// # Analyzer nilfallback
//
// nilfallback: report context lookups whose missing case falls back
//
// A context lookup is a call of runtime.JobFromContext or
// runtime.ExecFromContext (value, ok), runtime.RequireJob or
// runtime.RequireExec (value, error), runtime.JobCell or runtime.WorkerCell
// (*runtime.Cell[T], error; their error wraps ErrNoJob or ErrNoRoutine), or
// a generated TOf accessor (TAccessor, error) — or of a helper function
// that returns the results of one of these. Its missing case is !ok, a nil value, a non-nil error
// (err != nil, errors.Is(err, runtime.ErrNoJob)) or an empty RoutineID.
// Routine logic always runs with the full context; a lookup that finds
// nothing means the logic is being run where it must not be, and the one
// right answer is to fail: falling back to defaults, to other storage or to
// doing nothing hides the bug and corrupts state that looks valid.
//
// What is reported. The check follows the control flow (in SSA form) from each lookup, once
// assuming the missing case and once the present one, taking at every test
// of that lookup only the branch the assumption selects — in an if, a
// switch, an else-if chain, behind && and ||, with the lookup in the if
// statement or earlier. A path fails when it ends in panic, os.Exit,
// log.Fatal*, log.Panic*, a failed test (t.Fatal*, t.Skip*, t.FailNow,
// t.Error*, t.Fail on a *testing.T, B, F or testing.TB), or a return whose
// error is known to be non-nil (the lookup's error, fmt.Errorf,
// errors.New, a sentinel variable, a call that wraps the lookup's error or
// another of these (wrap(runtime.ErrNoJob), status.Errorf(code, "…: %v",
// err)), a function that never returns a nil error or never returns at
// all).
// errors.Is(err, S) with a package-level S other than runtime.ErrNoJob and
// ErrNoRoutine (context.Canceled, io.EOF) is false for the error of a
// runtime lookup or an accessor in both cases, and is followed so. A
// lookup is reported when some path of its missing case does not fail while
// its present case does not fail either:
//
//   - an if whose missing branch falls back: default values, other storage,
//     return nil, a bare return, or just carrying on after the if;
//   - an if ok {…} or if job != nil {…} that silently skips the work;
//   - a lookup whose ok or error is discarded (job, _ := …), or whose result
//     is used without any test.
//
// Not reported: a missing case handed to the caller (a helper that returns
// the lookup's results; its callers are checked instead, across packages
// through facts), an ok or error passed on to a function that handles it
// (stores it, decides with it, returns it), an outcome compared with an
// expected one as table-driven tests do (ok != tc.wantOK, (err != nil) !=
// tc.wantErr, errors.Is(err, tc.want)), lookups in the runtime package
// and its subpackages, and generated files. An ok or error passed to a
// function that only prints or logs it is not handled: that call does not
// count, and the lookup is checked as if it were not there.
//
// The lookup's results are followed into the forms real code takes: a
// variable assigned from them (if j, ok := …; ok { job = j }; if job ==
// nil {…}), an ok or error kept in a struct field (s.job, s.ok = …) or
// built into a composite literal (res := result{job: j, ok: ok}), the
// results a function with a defer keeps in locals until it returns, and
// named results. A test of ec.RoutineID == "" is a missing case of its own,
// even after a checked lookup (which never yields an empty ID), so a
// default for it (key := "default"; if ec.RoutineID != "" {…}) is reported.
//
// Where the rewrite is mechanical, in a function whose last result is an
// error, a suggested fix makes the lookup fail fast: job, _ :=
// runtime.JobFromContext(ctx) becomes runtime.RequireJob with a return of
// its error; an if that follows the lookup at once, tests exactly err != nil
// and only returns a nil error (return nil, return x, nil) returns err
// instead; and job, ok := runtime.JobFromContext(ctx) followed by such an
// if !ok becomes runtime.RequireJob and err != nil, when ok is used nowhere
// else and the name err is free there. Anything more — other work in the
// branch, code between the lookup and the if, a wider test — gets no fix,
// as a fix must be exactly right. A deliberate fallback is kept with
// //routigen:ignore nilfallback <reason>.
//
// Facts. Three facts carry what the check learns about a function to the
// packages that call it. A function whose every use of an error or bool
// parameter is an argument of fmt.Print*, fmt.Fprint*, log.Print*,
// log/slog or of another such function only logs it. A function that
// returns the results of a lookup (the value, and its ok or error) and hands the missing case to its caller — by
// returning the lookup's ok or error, false, nil or a non-nil error — is a
// lookup helper: its calls are checked as lookups, and it is not reported
// itself. A function whose error result is non-nil on every path (it
// builds the "no job" error, say) makes `return f(...)` a failing path.
// Facts rather than names, because helpers live in any package and under
// any name; the generated TOf accessors are recognised through the facts
// of analyzer/internal/accessors.
//
// Bad:
//
//	func count(ctx context.Context, in runtime.Input) error {
//		ec, _ := runtime.ExecFromContext(ctx)
//		n := 0
//		if ec == nil || ec.RoutineID == "" {
//			n = len(in.Slot("in")) // a made-up count, stored nowhere
//		} else {
//			n = ec.Worker.RoutineState(ec.RoutineID)["count"].(int)
//		}
//		return runtime.Emit(ctx, "out", runtime.Message{"count": n})
//	}
//
// Good:
//
//	func count(ctx context.Context, in runtime.Input) error {
//		c, err := CounterOf(ctx)
//		if err != nil {
//			return err
//		}
//		c.Update(func(s *Counter) { s.N += len(in.Slot("in")) })
//		return runtime.Emit(ctx, "out", runtime.Message{"count": c.N()})
//	}
package nilfallback

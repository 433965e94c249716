// Package lookup recognises context lookups in SSA form — calls that fetch
// the job, the routine activation or a generated state accessor from a
// context.Context — together with the conditions that test for their
// missing case and the control-flow paths that fail.
//
// # Lookups
//
// A lookup is a call of runtime.JobFromContext or runtime.ExecFromContext
// (value, ok), runtime.RequireJob or runtime.RequireExec (value, error),
// runtime.JobCell or runtime.WorkerCell (*Cell[T], error: generic, so the
// call's callee is an instance whose Origin is the function), a generated
// TOf accessor (TAccessor, error), or a helper function the caller knows
// (through Env.Helper) to return the results of one of these.
//
// # Missing-case tests
//
// A test is a branch condition that tells the missing case from the present
// one: !ok, ok == false, value == nil, err != nil, err == nil,
// errors.Is(err, runtime.ErrNoJob) (or ErrNoRoutine) and
// value.RoutineID == "", negated or not. Since SSA lowers &&, ||, switch
// statements and else-if chains to plain two-way branches, each of these
// source shapes comes out as a sequence of tests.
//
// # Failing paths
//
// A path fails when it ends in panic (SSA also ends every call of a function
// that never returns, per ctrlflow, with a panic), a call of os.Exit,
// log.Fatal*, log.Panic* or a testing.TB FailNow/Fatal*/Skip*/Fail/Error*
// method (a failed test), or a
// return whose error result is known to be non-nil: the lookup's own error
// (when the lookup is missing), a constant error variable, an interface made
// from a concrete value, the result of fmt.Errorf, errors.New or errors.Join,
// of a call that wraps the lookup's error or another error known to be
// non-nil (an argument, or one of its variadic arguments:
// status.Errorf(code, "…: %v", err), wrap(runtime.ErrNoJob)), or of a
// function known (through
// Env.AlwaysErr) to return a non-nil error on every path. Under the missing
// assumption, a return that hands the lookup's results (or a plain false or
// nil in their place) to the caller propagates the missing case and counts
// as failing: the caller is checked instead.
//
// Walk explores the paths that leave a lookup under one assumption — the
// missing case or the present one — following only the branch the
// assumption selects at every test of that lookup, and decides whether
// every way out fails (the greatest fixed point, so a loop that never exits
// does not count as a way out).
package lookup

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"

	"github.com/routigen/routigen/analyzer/internal/accessors"
	"github.com/routigen/routigen/analyzer/internal/rtapi"
)

// Kind says what a lookup fetches.
type Kind int

// Kinds of lookup.
const (
	Job      Kind = iota + 1 // a *runtime.JobContext
	Exec                     // a *runtime.ExecContext
	Accessor                 // a generated state accessor
	Cell                     // a *runtime.Cell, from runtime.JobCell or WorkerCell
)

// Callee describes a function whose call is a lookup.
type Callee struct {
	Kind        Kind
	Name        string // for messages: "runtime.JobFromContext", "LoopStateOf", "getJob"
	ValueIndex  int    // result index of the looked-up value, -1 if none
	StatusIndex int    // result index of the ok or error, -1 if none
	StatusErr   bool   // the status is an error (else a bool)
	Helper      bool   // a function that returns the results of a lookup
	Base        string // for a helper, the lookup it wraps
	Results     int    // number of results
}

// FailFast says how to fail fast for a lookup of this callee.
func (c Callee) FailFast() string {
	switch {
	case c.Name == "runtime.JobFromContext":
		return "use runtime.RequireJob and return its error"
	case c.Name == "runtime.ExecFromContext":
		return "use runtime.RequireExec and return its error"
	case c.StatusErr:
		return "return its error"
	case c.StatusIndex >= 0:
		return "return an error when its ok is false"
	}
	return "return an error when it returns nil"
}

// Missing describes the missing case for messages: "the job is missing".
func (c Callee) Missing() string {
	switch c.Kind {
	case Job:
		return "the job is missing"
	case Exec:
		return "the routine activation is missing"
	}
	return "the state is unavailable (no job or routine in the context)"
}

// MissingNoun names the missing case as tested: "a missing job".
func (c Callee) MissingNoun() string {
	switch {
	case c.StatusErr:
		return "its error"
	case c.Kind == Job:
		return "a missing job"
	case c.Kind == Exec:
		return "a missing routine activation"
	}
	return "a missing value"
}

// Env supplies what the package cannot know by itself.
type Env struct {
	// Accessors recognises generated TOf functions; may be nil.
	Accessors *accessors.Result
	// Helper reports whether fn returns the results of a lookup; may be nil.
	Helper func(fn *ssa.Function) (Callee, bool)
	// AlwaysErr reports whether fn returns a non-nil error on every path;
	// may be nil.
	AlwaysErr func(fn *ssa.Function) bool
	// OnlyLogs reports whether fn does nothing with its i'th parameter
	// (receiver excluded) but print or log it: an ok or error passed there
	// is not handled. May be nil.
	OnlyLogs func(fn *ssa.Function, i int) bool
}

var runtimeLookups = map[string]Callee{
	"JobFromContext":  {Kind: Job, Name: "runtime.JobFromContext", ValueIndex: 0, StatusIndex: 1, Results: 2},
	"ExecFromContext": {Kind: Exec, Name: "runtime.ExecFromContext", ValueIndex: 0, StatusIndex: 1, Results: 2},
	"RequireJob":      {Kind: Job, Name: "runtime.RequireJob", ValueIndex: 0, StatusIndex: 1, StatusErr: true, Results: 2},
	"RequireExec":     {Kind: Exec, Name: "runtime.RequireExec", ValueIndex: 0, StatusIndex: 1, StatusErr: true, Results: 2},
	// What generated accessors are made of, and as exported as the rest:
	// their error wraps ErrNoJob or ErrNoRoutine, as RequireJob's does.
	"JobCell":    {Kind: Cell, Name: "runtime.JobCell", ValueIndex: 0, StatusIndex: 1, StatusErr: true, Results: 2},
	"WorkerCell": {Kind: Cell, Name: "runtime.WorkerCell", ValueIndex: 0, StatusIndex: 1, StatusErr: true, Results: 2},
}

// CalleeOf reports whether a call of fn is a lookup.
func (e *Env) CalleeOf(fn *ssa.Function) (Callee, bool) {
	if fn == nil {
		return Callee{}, false
	}
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if obj, ok := fn.Object().(*types.Func); ok && obj.Pkg() != nil {
		if obj.Pkg().Path() == rtapi.Path && obj.Signature().Recv() == nil {
			if c, ok := runtimeLookups[obj.Name()]; ok {
				return c, true
			}
		}
		if e.Accessors != nil {
			if _, ok := e.Accessors.Of(obj); ok {
				return Callee{Kind: Accessor, Name: obj.Name(), ValueIndex: 0, StatusIndex: 1, StatusErr: true, Results: 2}, true
			}
		}
	}
	if e.Helper != nil {
		return e.Helper(fn)
	}
	return Callee{}, false
}

// Lookup is one lookup call in a function.
type Lookup struct {
	Call   *ssa.Call
	Callee Callee
	Fn     *ssa.Function
	// Values and Statuses are the SSA values of the looked-up value and of
	// the ok or error (the Extract instructions, or the call itself for a
	// single-result helper). Either may be empty when the source discards it.
	Values, Statuses []ssa.Value
	// kept are the stores that keep the value or status in a struct field
	// the function reads back (s.job, s.ok = runtime.JobFromContext(ctx)).
	kept map[*ssa.Store]bool
	env  *Env
}

// Find returns the lookups in fn's body (not in its closures).
func (e *Env) Find(fn *ssa.Function) []*Lookup {
	var out []*Lookup
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			call, ok := instr.(*ssa.Call)
			if !ok {
				continue
			}
			c, ok := e.CalleeOf(call.Call.StaticCallee())
			if !ok {
				continue
			}
			l := &Lookup{Call: call, Callee: c, Fn: fn, env: e}
			if c.Results == 1 {
				if c.ValueIndex == 0 {
					l.Values = append(l.Values, call)
				} else if c.StatusIndex == 0 {
					l.Statuses = append(l.Statuses, call)
				}
			} else {
				for _, r := range *call.Referrers() {
					if x, ok := r.(*ssa.Extract); ok && x.Tuple == call {
						switch x.Index {
						case c.ValueIndex:
							l.Values = append(l.Values, x)
						case c.StatusIndex:
							l.Statuses = append(l.Statuses, x)
						}
					}
				}
			}
			l.followFields(fn)
			l.followLocals()
			out = append(out, l)
		}
	}
	return out
}

// Discarded reports whether the source drops the lookup's ok or error.
func (l *Lookup) Discarded() bool {
	if l.Callee.StatusIndex < 0 {
		return false
	}
	for _, s := range l.Statuses {
		if refs := s.Referrers(); refs != nil {
			for _, r := range *refs {
				if _, ok := r.(*ssa.DebugRef); !ok {
					return false
				}
			}
		}
	}
	return true
}

// IsValue reports whether v is the lookup's value.
func (l *Lookup) IsValue(v ssa.Value) bool { return l != nil && slices.Contains(l.Values, v) }

// IsStatus reports whether v is the lookup's ok or error.
func (l *Lookup) IsStatus(v ssa.Value) bool { return l != nil && slices.Contains(l.Statuses, v) }

// Test reports whether cond tests l's missing case, and if so whether the
// missing case is the true branch.
func (l *Lookup) Test(cond ssa.Value) (missingIfTrue, ok bool) {
	switch v := cond.(type) {
	case *ssa.UnOp:
		if v.Op == token.NOT {
			m, ok := l.Test(v.X)
			return !m, ok
		}
		if l.IsStatus(cond) && !l.Callee.StatusErr {
			return false, true // if s.ok: a status kept in a field
		}
	case *ssa.BinOp:
		if v.Op != token.EQL && v.Op != token.NEQ {
			return false, false
		}
		x, y := v.X, v.Y
		if _, isConst := x.(*ssa.Const); isConst {
			x, y = y, x
		}
		k, isConst := y.(*ssa.Const)
		if !isConst {
			return false, false
		}
		missingIfEqual, ok := l.missingIfEqual(x, k)
		if !ok {
			return false, false
		}
		if v.Op == token.NEQ {
			return !missingIfEqual, true
		}
		return missingIfEqual, true
	case *ssa.Call:
		// errors.Is(err, runtime.ErrNoJob)
		if isFunc(v.Call.StaticCallee(), "errors", "Is") && len(v.Call.Args) == 2 &&
			l.IsStatus(v.Call.Args[0]) && IsMissingSentinel(v.Call.Args[1]) {
			return true, true
		}
	default:
		if l.IsStatus(cond) && !l.Callee.StatusErr {
			return false, true // if ok
		}
	}
	return false, false
}

// missingIfEqual: x == k holds in the missing case (true) or the present one (false).
func (l *Lookup) missingIfEqual(x ssa.Value, k *ssa.Const) (bool, bool) {
	switch {
	case l.IsStatus(x) && !l.Callee.StatusErr && k.Value != nil && k.Value.Kind() == constant.Bool:
		return !constant.BoolVal(k.Value), true // ok == false
	case l.IsStatus(x) && l.Callee.StatusErr && k.IsNil():
		return false, true // err == nil
	case l.IsValue(x) && k.IsNil():
		return true, true // job == nil
	case l.isRoutineID(x) && k.Value != nil && k.Value.Kind() == constant.String && constant.StringVal(k.Value) == "":
		return true, true // ec.RoutineID == ""
	}
	return false, false
}

// isRoutineID reports whether x loads the RoutineID field of the lookup's value.
func (l *Lookup) isRoutineID(x ssa.Value) bool {
	var base ssa.Value
	var st *types.Struct
	var field int
	switch v := x.(type) {
	case *ssa.UnOp:
		fa, ok := v.X.(*ssa.FieldAddr)
		if v.Op != token.MUL || !ok {
			return false
		}
		p, ok := fa.X.Type().Underlying().(*types.Pointer)
		if !ok {
			return false
		}
		st, _ = p.Elem().Underlying().(*types.Struct)
		base, field = fa.X, fa.Field
	case *ssa.Field:
		st, _ = v.X.Type().Underlying().(*types.Struct)
		base, field = v.X, v.Field
		if u, ok := base.(*ssa.UnOp); ok && u.Op == token.MUL {
			base = u.X
		}
	default:
		return false
	}
	return st != nil && field < st.NumFields() && st.Field(field).Name() == "RoutineID" && l.IsValue(base)
}

// RoutineIDTests returns the branches of l.Fn that test the RoutineID of
// l's value for "" (ec.RoutineID == "", negated or not). Each is a missing
// case of its own: after a checked lookup the ID is never empty, so code
// that gives the empty case a default (key := "shared"; if ec.RoutineID !=
// "" { key = ec.RoutineID }) writes a fallback that must not be there.
func (l *Lookup) RoutineIDTests() []*ssa.If {
	var out []*ssa.If
	for _, b := range l.Fn.Blocks {
		if len(b.Instrs) == 0 {
			continue
		}
		iff, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
		if ok && l.testsRoutineID(iff.Cond) {
			out = append(out, iff)
		}
	}
	return out
}

func (l *Lookup) testsRoutineID(cond ssa.Value) bool {
	for {
		u, ok := cond.(*ssa.UnOp)
		if !ok || u.Op != token.NOT {
			break
		}
		cond = u.X
	}
	b, ok := cond.(*ssa.BinOp)
	if !ok || (b.Op != token.EQL && b.Op != token.NEQ) {
		return false
	}
	x, y := b.X, b.Y
	if _, ok := x.(*ssa.Const); ok {
		x, y = y, x
	}
	k, ok := y.(*ssa.Const)
	return ok && l.isRoutineID(x) && k.Value != nil && k.Value.Kind() == constant.String && constant.StringVal(k.Value) == ""
}

// IsMissingSentinel reports whether v loads runtime.ErrNoJob or runtime.ErrNoRoutine.
func IsMissingSentinel(v ssa.Value) bool {
	u, ok := v.(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return false
	}
	g, ok := u.X.(*ssa.Global)
	if !ok || g.Pkg == nil || g.Pkg.Pkg.Path() != rtapi.Path {
		return false
	}
	return g.Name() == "ErrNoJob" || g.Name() == "ErrNoRoutine"
}

func isFunc(fn *ssa.Function, pkg string, names ...string) bool {
	if fn == nil {
		return false
	}
	obj, ok := fn.Object().(*types.Func)
	return ok && obj.Pkg() != nil && obj.Pkg().Path() == pkg && obj.Signature().Recv() == nil &&
		slices.Contains(names, obj.Name())
}

// FailingCall reports whether the call never returns normally: os.Exit,
// log.Fatal*/Panic* (functions and *log.Logger methods), runtime.Goexit and
// the testing.TB methods FailNow, Fatal, Fatalf, Skip, Skipf, SkipNow, called
// on *testing.T, *testing.B, *testing.F or a testing.TB. Fail, Error and
// Errorf count too: the path ends the test as failed, which is how a test
// asserts that a lookup finds nothing.
func FailingCall(c *ssa.CallCommon) bool {
	if c.IsInvoke() {
		return isTestingFailure(c.Method)
	}
	fn := c.StaticCallee()
	if fn == nil {
		return false
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok || obj.Pkg() == nil {
		return false
	}
	switch obj.Pkg().Path() {
	case "os":
		return obj.Name() == "Exit" && obj.Signature().Recv() == nil
	case "runtime":
		return obj.Name() == "Goexit"
	case "log":
		switch obj.Name() {
		case "Fatal", "Fatalf", "Fatalln", "Panic", "Panicf", "Panicln":
			return true
		}
	case "testing":
		return isTestingFailure(obj)
	}
	return false
}

func isTestingFailure(m *types.Func) bool {
	if m == nil || m.Pkg() == nil || m.Pkg().Path() != "testing" {
		return false
	}
	switch m.Name() {
	case "FailNow", "Fatal", "Fatalf", "Skip", "Skipf", "SkipNow", "Fail", "Error", "Errorf":
		return true
	}
	return false
}

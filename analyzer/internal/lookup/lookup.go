// Package lookup recognises context lookups in SSA form — calls that fetch
// the job, the routine activation or a generated state accessor from a
// context.Context — together with the conditions that test for their
// missing case and the control-flow paths that fail.
//
// # Lookups
//
// A lookup is a call of runtime.JobFromContext or runtime.ExecFromContext
// (value, ok), runtime.RequireJob or runtime.RequireExec (value, error), a
// generated TOf accessor (TAccessor, error), or a helper function the caller
// knows (through Env.Helper) to return the results of one of these.
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

// wholeLoads returns, for a store address &lit.f of a composite literal
// built in a local, the reads of field f of the struct loaded whole from
// it (res := result{ok: ok}; if !res.ok {…}).
func wholeLoads(fa *ssa.FieldAddr) []ssa.Value {
	alloc, ok := fa.X.(*ssa.Alloc)
	if !ok {
		return nil
	}
	var out []ssa.Value
	for _, r := range *alloc.Referrers() {
		u, ok := r.(*ssa.UnOp)
		if !ok || u.Op != token.MUL || u.X != alloc {
			continue
		}
		for _, ur := range *u.Referrers() {
			switch ur := ur.(type) {
			case *ssa.Field:
				if ur.Field == fa.Field {
					out = append(out, ur)
				}
			case *ssa.Store:
				// res := result{…}: the literal copied whole into a variable.
				if v, ok := ur.Addr.(*ssa.Alloc); ok && ur.Val == u {
					out = append(out, fieldLoads(v, fa.Field, ur)...)
				}
			}
		}
	}
	return out
}

// fieldLoads returns the loads of field f of the local variable v, when
// the only write into v (whole or field f) is the store st.
func fieldLoads(v *ssa.Alloc, f int, st *ssa.Store) []ssa.Value {
	var out []ssa.Value
	for _, r := range *v.Referrers() {
		switch r := r.(type) {
		case *ssa.Store:
			if r != st {
				return nil
			}
		case *ssa.FieldAddr:
			if r.Field != f {
				continue
			}
			for _, fr := range *r.Referrers() {
				switch fr := fr.(type) {
				case *ssa.Store:
					return nil
				case *ssa.UnOp:
					if fr.Op == token.MUL {
						out = append(out, fr)
					}
				}
			}
		}
	}
	return out
}

// followFields adds to l.Values and l.Statuses the loads of a struct field
// the function stores the value or the status in (s.job, s.ok = …; if
// !s.ok {…}), when that store is the only one into the field in the
// function: every load of the field then reads the lookup's result.
func (l *Lookup) followFields(fn *ssa.Function) {
	type field struct {
		base  ssa.Value
		index int
	}
	stores := map[field][]*ssa.Store{}
	loads := map[field][]ssa.Value{}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch instr := instr.(type) {
			case *ssa.Store:
				if fa, ok := instr.Addr.(*ssa.FieldAddr); ok {
					k := field{fa.X, fa.Field}
					stores[k] = append(stores[k], instr)
				}
			case *ssa.UnOp:
				if fa, ok := instr.X.(*ssa.FieldAddr); ok && instr.Op == token.MUL {
					k := field{fa.X, fa.Field}
					loads[k] = append(loads[k], instr)
				}
			}
		}
	}
	follow := func(vs []ssa.Value) []ssa.Value {
		out := vs
		for _, v := range vs {
			for _, r := range *v.Referrers() {
				st, ok := r.(*ssa.Store)
				if !ok || st.Val != v {
					continue
				}
				fa, ok := st.Addr.(*ssa.FieldAddr)
				if !ok {
					continue
				}
				k := field{fa.X, fa.Field}
				whole := wholeLoads(fa)
				if len(stores[k]) != 1 || len(loads[k])+len(whole) == 0 {
					continue
				}
				if l.kept == nil {
					l.kept = map[*ssa.Store]bool{}
				}
				l.kept[st] = true
				out = append(out, loads[k]...)
				out = append(out, whole...)
			}
		}
		return out
	}
	l.Values = follow(l.Values)
	l.Statuses = follow(l.Statuses)
}

// followLocals adds to l.Values and l.Statuses the loads of a local
// variable the function stores the value or the status in, that read that
// store and no other: a function with a defer keeps its named results in
// locals (func f(ctx) (err error) { defer …; job, err := runtime.RequireJob(ctx);
// if err != nil {…} }). Only for a local that nothing but loads, stores
// and deferred closures refer to: one another closure captures may be
// read or written out of sight.
func (l *Lookup) followLocals() {
	follow := func(vs []ssa.Value) []ssa.Value {
		out := vs
		for _, v := range vs {
			for _, r := range *v.Referrers() {
				st, ok := r.(*ssa.Store)
				if !ok || st.Val != v {
					continue
				}
				loads := exclusiveLoads(st)
				if len(loads) == 0 {
					continue
				}
				if l.kept == nil {
					l.kept = map[*ssa.Store]bool{}
				}
				l.kept[st] = true
				out = append(out, loads...)
			}
		}
		return out
	}
	l.Values = follow(l.Values)
	l.Statuses = follow(l.Statuses)
}

// exclusiveLoads returns the loads of the local variable st stores into
// that read st's value on every path: st reaches them, and no other store
// into the variable does. None when the variable is not a plain local
// (captured, address taken).
func exclusiveLoads(st *ssa.Store) []ssa.Value {
	alloc, ok := st.Addr.(*ssa.Alloc)
	if !ok {
		return nil
	}
	var stores []*ssa.Store
	for _, r := range *alloc.Referrers() {
		switch r := r.(type) {
		case *ssa.Store:
			if r.Addr != alloc {
				return nil
			}
			stores = append(stores, r)
		case *ssa.UnOp:
			if r.Op != token.MUL {
				return nil
			}
		case *ssa.MakeClosure:
			if !onlyDeferred(r) {
				return nil
			}
		case *ssa.DebugRef:
		default:
			return nil
		}
	}
	mine := reachedLoads(st, alloc)
	for _, other := range stores {
		if other == st {
			continue
		}
		for u := range reachedLoads(other, alloc) {
			delete(mine, u)
		}
	}
	var out []ssa.Value
	for _, b := range st.Parent().Blocks { // in a fixed order
		for _, in := range b.Instrs {
			if u, ok := in.(*ssa.UnOp); ok && mine[u] {
				out = append(out, u)
			}
		}
	}
	return out
}

// onlyDeferred reports whether the closure mc is only deferred (defer
// func() {…}()): it runs when the function returns, after every load of
// its body, so what it does to a variable it captures is out of their way.
func onlyDeferred(mc *ssa.MakeClosure) bool {
	for _, r := range *mc.Referrers() {
		d, ok := r.(*ssa.Defer)
		if !ok || d.Call.Value != mc {
			return false
		}
	}
	return true
}

// reachedLoads returns the loads of alloc that the store st reaches: those
// on a path from st that meets no other store into alloc first.
func reachedLoads(st *ssa.Store, alloc *ssa.Alloc) map[*ssa.UnOp]bool {
	out := map[*ssa.UnOp]bool{}
	// scan scans b from instruction i, and reports whether a store ends it.
	scan := func(b *ssa.BasicBlock, i int) bool {
		for _, in := range b.Instrs[i:] {
			switch in := in.(type) {
			case *ssa.Store:
				if in.Addr == alloc {
					return true
				}
			case *ssa.UnOp:
				if in.Op == token.MUL && in.X == alloc {
					out[in] = true
				}
			}
		}
		return false
	}
	b := st.Block()
	if scan(b, slices.Index(b.Instrs, ssa.Instruction(st))+1) {
		return out
	}
	seen := map[*ssa.BasicBlock]bool{}
	queue := slices.Clone(b.Succs)
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if seen[x] {
			continue
		}
		seen[x] = true
		if !scan(x, 0) {
			queue = append(queue, x.Succs...)
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

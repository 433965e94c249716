package lookup

import (
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// NonNil reports whether the error v is known to be non-nil (with no lookup assumed).
func (e *Env) NonNil(v ssa.Value) bool {
	return e.nonNil(nil, Present, v, map[ssa.Value]bool{})
}

func (e *Env) nonNil(l *Lookup, a Assume, v ssa.Value, seen map[ssa.Value]bool) bool {
	if l.IsStatus(v) {
		return l.Callee.StatusErr && a == Missing
	}
	switch v := v.(type) {
	case *ssa.Const:
		return !v.IsNil()
	case *ssa.MakeInterface:
		return true
	case *ssa.ChangeInterface:
		return e.nonNil(l, a, v.X, seen)
	case *ssa.ChangeType:
		return e.nonNil(l, a, v.X, seen)
	case *ssa.Extract:
		return l.IsStatus(v) && l.Callee.StatusErr && a == Missing
	case *ssa.Call:
		if l.IsStatus(v) {
			return l.Callee.StatusErr && a == Missing
		}
		fn := v.Call.StaticCallee()
		if isFunc(fn, "fmt", "Errorf") || isFunc(fn, "errors", "New", "Join") {
			return true
		}
		if fn != nil && e.AlwaysErr != nil && e.AlwaysErr(fn) {
			return true
		}
		if l != nil && a == Missing && l.Callee.StatusErr {
			for _, arg := range v.Call.Args {
				if l.IsStatus(arg) || l.inVariadic(arg) {
					return true // wraps the lookup's error
				}
			}
		}
		// wrap(runtime.ErrNoJob), statusf(code, "…: %v", errNoState):
		// it wraps an error known to be non-nil.
		for _, arg := range v.Call.Args {
			for _, x := range errorsIn(arg) {
				if e.nonNil(l, a, x, seen) {
					return true
				}
			}
		}
		return false
	case *ssa.UnOp:
		// A package-level error variable: a sentinel.
		_, ok := v.X.(*ssa.Global)
		return ok && v.Op.String() == "*"
	case *ssa.Phi:
		if seen[v] {
			return true
		}
		seen[v] = true
		for _, x := range v.Edges {
			if !e.nonNil(l, a, x, seen) {
				return false
			}
		}
		return true
	}
	return false
}

// errorsIn returns the error values a call argument hands over: the
// argument itself when it is an error, and the errors among a variadic
// argument list.
func errorsIn(arg ssa.Value) []ssa.Value {
	if types.Identical(arg.Type(), errorType) {
		return []ssa.Value{arg}
	}
	var out []ssa.Value
	for _, v := range variadic(arg) {
		if ci, ok := v.(*ssa.ChangeInterface); ok && types.Identical(ci.X.Type(), errorType) {
			out = append(out, ci.X)
		}
	}
	return out
}

// inVariadic reports whether arg is a variadic argument list that holds
// l's ok or error (status.Errorf(code, "…: %v", err)).
func (l *Lookup) inVariadic(arg ssa.Value) bool {
	for _, v := range variadic(arg) {
		if mi, ok := v.(*ssa.MakeInterface); ok {
			v = mi.X
		}
		if ci, ok := v.(*ssa.ChangeInterface); ok {
			v = ci.X
		}
		if l.IsStatus(v) {
			return true
		}
	}
	return false
}

// variadic returns the values stored in the elements of arg when arg is a
// variadic argument list: SSA builds it in a local array, stores each
// element, and passes a slice of it.
func variadic(arg ssa.Value) []ssa.Value {
	sl, ok := arg.(*ssa.Slice)
	if !ok {
		return nil
	}
	arr, ok := sl.X.(*ssa.Alloc)
	if !ok {
		return nil
	}
	var out []ssa.Value
	for _, r := range *arr.Referrers() {
		ia, ok := r.(*ssa.IndexAddr)
		if !ok || ia.X != arr {
			continue
		}
		for _, rr := range *ia.Referrers() {
			if st, ok := rr.(*ssa.Store); ok && st.Addr == ia {
				out = append(out, st.Val)
			}
		}
	}
	return out
}

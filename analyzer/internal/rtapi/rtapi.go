// Package rtapi recognises the routigen runtime API in type-checked code and
// in SSA form. Types are matched by package path and name, so the checks see
// the real github.com/routigen/routigen/runtime and the stubs of their tests
// alike.
package rtapi

import (
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// Path is the import path of the runtime package.
const Path = "github.com/routigen/routigen/runtime"

// Runtime type names.
const (
	JobContext  = "JobContext"
	WorkerState = "WorkerState"
	ExecContext = "ExecContext"
)

// IsMethod reports whether obj is the method typ.name (of T or *T) of the
// runtime package, name being any of names.
func IsMethod(obj types.Object, typ string, names ...string) bool {
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != Path {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil || !IsType(recv.Type(), typ) {
		return false
	}
	for _, n := range names {
		if fn.Name() == n {
			return true
		}
	}
	return false
}

// IsType reports whether t is the runtime type named typ, or a pointer to it.
func IsType(t types.Type, typ string) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == Path && n.Obj().Name() == typ
}

// Call is a resolved call: the function or method called, its receiver (nil
// for functions) and its other arguments.
type Call struct {
	Func *types.Func
	Recv ssa.Value
	Args []ssa.Value
}

// Resolve resolves the callee of c: a static function or method call, a call
// of a method expression ((*T).M(x, ...)), a call of a bound method value
// (f := x.M; f(...)), directly or through a local variable that is assigned
// once, or an interface method call. ok is false for calls of function values
// it cannot resolve and for built-ins.
func Resolve(c *ssa.CallCommon) (Call, bool) {
	if c.IsInvoke() {
		return Call{Func: c.Method, Recv: c.Value, Args: c.Args}, true
	}
	v := funcValue(c.Value, 0)
	var fn *ssa.Function
	var bound ssa.Value
	switch v := v.(type) {
	case *ssa.Function:
		fn = v
	case *ssa.MakeClosure:
		fn, _ = v.Fn.(*ssa.Function)
		if fn != nil && strings.HasSuffix(fn.Name(), "$bound") && len(v.Bindings) == 1 {
			bound = v.Bindings[0]
		}
	}
	if fn == nil {
		return Call{}, false
	}
	if fn.Origin() != nil {
		fn = fn.Origin()
	}
	obj, _ := fn.Object().(*types.Func)
	if obj == nil {
		return Call{}, false
	}
	if bound != nil {
		return Call{Func: obj, Recv: bound, Args: c.Args}, true
	}
	if obj.Signature().Recv() != nil && len(c.Args) > 0 {
		return Call{Func: obj, Recv: c.Args[0], Args: c.Args[1:]}, true
	}
	return Call{Func: obj, Args: c.Args}, true
}

// funcValue follows a function value through a local variable assigned
// exactly once (f := x.M, captured or address-taken) and through closures'
// free variables.
func funcValue(v ssa.Value, depth int) ssa.Value {
	if depth > 8 {
		return v
	}
	switch x := v.(type) {
	case *ssa.UnOp:
		if alloc, ok := x.X.(*ssa.Alloc); ok {
			if s := StoredOnce(alloc); s != nil {
				return funcValue(s, depth+1)
			}
		}
		if fv, ok := x.X.(*ssa.FreeVar); ok {
			if b := Binding(fv); b != nil {
				if alloc, ok := b.(*ssa.Alloc); ok {
					if s := StoredOnce(alloc); s != nil {
						return funcValue(s, depth+1)
					}
				}
			}
		}
	case *ssa.FreeVar:
		if b := Binding(x); b != nil {
			return funcValue(b, depth+1)
		}
	case *ssa.ChangeType:
		return funcValue(x.X, depth+1)
	}
	return v
}

// StoredOnce returns the value stored into alloc when it is stored exactly
// once and otherwise only loaded, also by the closures that capture it.
func StoredOnce(alloc *ssa.Alloc) ssa.Value {
	vals, ok := Stored(alloc)
	if !ok || len(vals) != 1 {
		return nil
	}
	return vals[0]
}

// Stored returns the values stored into alloc, when it is otherwise only
// loaded, also by the closures that capture it (a variable assigned on
// several paths: var k string; if … { k = "a" } else { k = "b" }).
func Stored(alloc *ssa.Alloc) ([]ssa.Value, bool) {
	var vals []ssa.Value
	var walk func(addr ssa.Value, depth int) bool
	walk = func(addr ssa.Value, depth int) bool {
		if depth > 8 {
			return false
		}
		for _, r := range *addr.Referrers() {
			switch r := r.(type) {
			case *ssa.Store:
				if r.Addr != addr {
					return false
				}
				vals = append(vals, r.Val)
			case *ssa.MakeClosure:
				fn, ok := r.Fn.(*ssa.Function)
				if !ok {
					return false
				}
				for i, b := range r.Bindings {
					if b == addr && i < len(fn.FreeVars) && !walk(fn.FreeVars[i], depth+1) {
						return false
					}
				}
			case *ssa.UnOp:
				if r.Op != token.MUL {
					return false
				}
			case *ssa.DebugRef:
			default:
				return false
			}
		}
		return true
	}
	if !walk(alloc, 0) {
		return nil, false
	}
	return vals, true
}

// Binding returns the value a closure's free variable is bound to, when the
// closure is made in exactly one place.
func Binding(fv *ssa.FreeVar) ssa.Value {
	fn := fv.Parent()
	if fn == nil || fn.Parent() == nil {
		return nil
	}
	idx := -1
	for i, f := range fn.FreeVars {
		if f == fv {
			idx = i
		}
	}
	if idx < 0 {
		return nil
	}
	var found *ssa.MakeClosure
	for _, b := range fn.Parent().Blocks {
		for _, in := range b.Instrs {
			if mc, ok := in.(*ssa.MakeClosure); ok && mc.Fn == fn {
				if found != nil {
					return nil
				}
				found = mc
			}
		}
	}
	if found == nil || idx >= len(found.Bindings) {
		return nil
	}
	return found.Bindings[idx]
}

// IsRuntime reports whether p is the runtime package or its external test
// package: they implement and test the raw API the checks report.
func IsRuntime(p *types.Package) bool {
	return p != nil && (p.Path() == Path || p.Path() == Path+"_test")
}

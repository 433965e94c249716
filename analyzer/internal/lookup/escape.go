package lookup

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// Escapes reports whether l's ok or error reaches code this function does
// not show: it is passed to a call (other than a printing one, errors.As or
// errors.Is with a constant or package-level target), captured by a
// closure, stored outside a variadic argument list, merged with other
// values, or sent. The receiver then handles the missing case. So is an
// ok, an error or a test of them (err != nil) compared with a value that
// is not a constant (ok != tc.wantOK, (err != nil) != tc.wantErr) or an
// error given to errors.Is with such a target (errors.Is(err, tc.want)):
// the code checks the lookup's outcome against an expectation, as
// table-driven tests do, and decides with it.
func (l *Lookup) Escapes() bool {
	for _, s := range l.Statuses {
		if l.escapes(s, 0) {
			return true
		}
	}
	return false
}

// comparedWithVariable reports whether the binary operation r, a referrer
// of v, compares v (==, !=) with a value that is not a constant.
func comparedWithVariable(r *ssa.BinOp, v ssa.Value) bool {
	if r.Op != token.EQL && r.Op != token.NEQ {
		return false
	}
	other := r.Y
	if r.Y == v {
		other = r.X
	}
	_, isConst := other.(*ssa.Const)
	return !isConst
}

// testComparedWithVariable reports whether the test v == k or v != k (r),
// k a constant, is itself compared with a value that is not a constant.
func testComparedWithVariable(r *ssa.BinOp, v ssa.Value) bool {
	if (r.Op != token.EQL && r.Op != token.NEQ) || comparedWithVariable(r, v) || r.Referrers() == nil {
		return false
	}
	for _, rr := range *r.Referrers() {
		if b, ok := rr.(*ssa.BinOp); ok && comparedWithVariable(b, r) {
			return true
		}
	}
	return false
}

// variableTarget reports whether the target of errors.Is (its second
// argument) is neither a constant nor a package-level variable.
func variableTarget(c *ssa.Call) bool {
	if len(c.Call.Args) != 2 {
		return false
	}
	switch t := c.Call.Args[1].(type) {
	case *ssa.Const:
		return false
	case *ssa.UnOp:
		if _, ok := t.X.(*ssa.Global); ok && t.Op == token.MUL {
			return false
		}
	}
	return true
}

func (l *Lookup) escapes(v ssa.Value, depth int) bool {
	if depth > 3 || v.Referrers() == nil {
		return false
	}
	for _, r := range *v.Referrers() {
		switch r := r.(type) {
		case *ssa.BinOp:
			if comparedWithVariable(r, v) || testComparedWithVariable(r, v) {
				return true
			}
		case *ssa.Call:
			callee := r.Call.StaticCallee()
			if isFunc(callee, "errors", "Is") && len(r.Call.Args) == 2 && r.Call.Args[0] == v && variableTarget(r) {
				return true
			}
			if printing(callee) || isFunc(callee, "errors", "Is", "As") {
				continue
			}
			for i, a := range r.Call.Args {
				if a == v && !l.onlyLogs(callee, i) {
					return true
				}
			}
			if r.Call.Value == v {
				continue
			}
		case *ssa.Go, *ssa.Defer, *ssa.MakeClosure, *ssa.Phi, *ssa.Send, *ssa.MapUpdate:
			return true
		case *ssa.Store:
			if r.Val != v || l.kept[r] {
				continue
			}
			if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL && u.X == r.Addr {
				continue // return err of a named err: stored back where it came from
			}
			if ia, ok := r.Addr.(*ssa.IndexAddr); ok {
				if _, ok := ia.X.(*ssa.Alloc); ok {
					continue // a variadic argument list
				}
			}
			return true
		case *ssa.MakeInterface:
			if l.escapes(r, depth+1) {
				return true
			}
		case *ssa.ChangeInterface:
			if l.escapes(r, depth+1) {
				return true
			}
		}
	}
	return false
}

func printing(fn *ssa.Function) bool {
	if fn == nil {
		return false
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok || obj.Pkg() == nil {
		return false
	}
	switch obj.Pkg().Path() {
	case "fmt", "log", "log/slog":
		return obj.Name() != "Errorf"
	}
	return false
}

// onlyLogs reports whether argument i of a static call of fn is only
// printed or logged by fn (Env.OnlyLogs; SSA passes a receiver first).
func (l *Lookup) onlyLogs(fn *ssa.Function, i int) bool {
	if fn == nil || l.env == nil || l.env.OnlyLogs == nil {
		return false
	}
	if fn.Signature.Recv() != nil {
		i--
	}
	return i >= 0 && l.env.OnlyLogs(fn, i)
}

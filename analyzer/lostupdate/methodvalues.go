package lostupdate

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/routigen/routigen/analyzer/internal/flow"
	"github.com/routigen/routigen/analyzer/internal/paramfacts"
)

// splitsUpdate marks a function that takes a getter and a setter as
// function values and calls the setter with a value computed from the
// getter's result (func incr[T](get func() int, set func(int)) {
// set(get() + 1) }): passed an accessor's method values, it splits a
// read-modify-write. Unexported, as x/tools' printf keeps its facts.
type splitsUpdate struct {
	Get, Set int // parameter indices
}

func (*splitsUpdate) AFact() {}

func (f *splitsUpdate) String() string {
	return fmt.Sprintf("calls parameter %d with a value from parameter %d", f.Set, f.Get)
}

// exportSplitters finds the functions of the package that split an update
// through a getter and a setter parameter, from syntax alone (a helper
// package pays no SSA), exports the fact and returns them.
func exportSplitters(pass *analysis.Pass) map[*types.Func]splitsUpdate {
	out := map[*types.Func]splitsUpdate{}
	for fn, fd := range paramfacts.Funcs(pass) {
		getters, setters := map[*types.Var]int{}, map[*types.Var]int{}
		ps := fn.Signature().Params()
		for i := range ps.Len() {
			sig, ok := ps.At(i).Type().Underlying().(*types.Signature)
			switch {
			case !ok:
			case sig.Params().Len() == 0 && sig.Results().Len() == 1:
				getters[ps.At(i)] = i
			case sig.Params().Len() == 1 && sig.Results().Len() == 0:
				setters[ps.At(i)] = i
			}
		}
		if len(getters) == 0 || len(setters) == 0 {
			continue
		}
		if s, ok := splitIn(pass, fd.Body, getters, setters); ok {
			out[fn] = s
			pass.ExportObjectFact(fn, &s)
		}
	}
	return out
}

// splitIn looks in body for a call of a setter parameter whose argument
// calls a getter parameter, directly or through a local variable assigned
// from such a call.
func splitIn(pass *analysis.Pass, body *ast.BlockStmt, getters, setters map[*types.Var]int) (splitsUpdate, bool) {
	param := func(e ast.Expr, m map[*types.Var]int) (int, bool) {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return 0, false
		}
		v, ok := pass.TypesInfo.Uses[id].(*types.Var)
		if !ok {
			return 0, false
		}
		i, ok := m[v]
		return i, ok
	}
	from := map[*types.Var]int{} // local variables holding a getter's result
	reads := func(e ast.Expr) (int, bool) {
		get, found := 0, false
		ast.Inspect(e, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if i, ok := param(n.Fun, getters); ok && len(n.Args) == 0 {
					get, found = i, true
				}
			case *ast.Ident:
				if v, ok := pass.TypesInfo.Uses[n].(*types.Var); ok {
					if i, ok := from[v]; ok {
						get, found = i, true
					}
				}
			}
			return !found
		})
		return get, found
	}
	var res splitsUpdate
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					id, ok := l.(*ast.Ident)
					if !ok {
						continue
					}
					v, _ := pass.TypesInfo.ObjectOf(id).(*types.Var)
					if g, ok := reads(n.Rhs[i]); ok && v != nil {
						from[v] = g
					}
				}
			}
		case *ast.CallExpr:
			if s, ok := param(n.Fun, setters); ok && len(n.Args) == 1 {
				if g, ok := reads(n.Args[0]); ok {
					res, found = splitsUpdate{Get: g, Set: s}, true
				}
			}
		}
		return !found
	})
	return res, found
}

// checkSplitter reports a call of a splitting helper (splitsUpdate) given
// a getter and the matching setter of one accessor of shared state as
// method values: incr(p.Hits, p.SetHits).
func (c *checker) checkSplitter(cc *ssa.CallCommon, splitters map[*types.Func]splitsUpdate) {
	callee := cc.StaticCallee()
	if callee == nil {
		return
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	fn, ok := callee.Object().(*types.Func)
	if !ok {
		return
	}
	s, ok := splitters[fn]
	if !ok {
		var f splitsUpdate
		if fn.Pkg() == c.pass.Pkg || !c.pass.ImportObjectFact(fn, &f) {
			return
		}
		s = f
	}
	shift := 0
	if fn.Signature().Recv() != nil {
		shift = 1
	}
	if s.Get+shift >= len(cc.Args) || s.Set+shift >= len(cc.Args) {
		return
	}
	get, getRecv, ok1 := boundMethod(cc.Args[s.Get+shift])
	set, setRecv, ok2 := boundMethod(cc.Args[s.Set+shift])
	if !ok1 || !ok2 || set.Name() != "Set"+get.Name() || !sameMethodSet(get, set) {
		return
	}
	recvType := set.Signature().Recv().Type()
	fact, ok := c.acc.Accessor(recvType)
	if !ok || !fact.Concurrent() || !isGetter(recvType, get.Name()) {
		return
	}
	t := c.tracer(func(*flow.Tracer, *ssa.CallCommon) bool { return false })
	if !t.Same(getRecv, setRecv) {
		return
	}
	pos := cc.Pos()
	recv := "the accessor"
	if expr := c.src.Call(cc.Pos()); expr != nil {
		pos = expr.Pos()
		if s.Set < len(expr.Args) {
			if sel, ok := ast.Unparen(expr.Args[s.Set]).(*ast.SelectorExpr); ok {
				recv = types.ExprString(sel.X)
			}
		}
	}
	c.r.Reportf(pos, "%s calls %s.%s with a value computed from %s.%s(), read in a separate call; concurrent activations sharing this %s %s lose their updates in between: use %s.Update",
		fn.Name(), recv, set.Name(), recv, get.Name(), scopeOf(fact), fact.StateType, recv)
}

// boundMethod returns the method and receiver of a method value (x.M).
func boundMethod(v ssa.Value) (*types.Func, ssa.Value, bool) {
	for {
		switch x := v.(type) {
		case *ssa.ChangeType:
			v = x.X
			continue
		case *ssa.MakeClosure:
			m, ok := x.Fn.(*ssa.Function)
			if !ok || len(x.Bindings) != 1 || !strings.HasSuffix(m.Name(), "$bound") {
				return nil, nil, false
			}
			obj, ok := m.Object().(*types.Func)
			return obj, x.Bindings[0], ok
		}
		return nil, nil, false
	}
}

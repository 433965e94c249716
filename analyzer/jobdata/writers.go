package jobdata

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// writesParams marks a function that writes into some of its map
// parameters (m[k] = v, delete, clear, maps.Copy, or passing it on to such
// a function): a Data() or Metadata() copy passed there is written and
// lost, as x/tools' printf marks its wrappers. Unexported, as printf's
// facts are: only this check reads it.
type writesParams struct {
	Params []int // indices in the signature's parameters, receiver excluded
}

func (*writesParams) AFact() {}

func (f *writesParams) String() string { return fmt.Sprintf("writes map parameters %v", f.Params) }

// exportWriters finds, to a fixed point, the functions of the package that
// write into a map parameter, exports the fact on them and returns them.
// It reads syntax only, so that a package that never touches job data does
// not pay for SSA.
func exportWriters(pass *analysis.Pass) map[*types.Func][]int {
	type decl struct {
		fn     *types.Func
		body   *ast.BlockStmt
		params []*types.Var // map-typed, never reassigned
		index  map[*types.Var]int
	}
	var decls []decl
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			dc := decl{fn: fn, body: fd.Body, index: map[*types.Var]int{}}
			ps := fn.Signature().Params()
			for i := range ps.Len() {
				if _, isMap := ps.At(i).Type().Underlying().(*types.Map); isMap {
					dc.params = append(dc.params, ps.At(i))
					dc.index[ps.At(i)] = i
				}
			}
			if len(dc.params) > 0 {
				dc.params = slices.DeleteFunc(dc.params, func(p *types.Var) bool { return reassigned(pass, fd.Body, p) })
			}
			if len(dc.params) > 0 {
				decls = append(decls, dc)
			}
		}
	}
	writers := map[*types.Func][]int{}
	writes := func(fn *types.Func, i int) bool {
		if idx, ok := writers[fn]; ok {
			return slices.Contains(idx, i)
		}
		var f writesParams
		return fn.Pkg() != pass.Pkg && pass.ImportObjectFact(fn, &f) && slices.Contains(f.Params, i)
	}
	for changed := true; changed; {
		changed = false
		for _, d := range decls {
			for _, p := range d.params {
				i := d.index[p]
				if slices.Contains(writers[d.fn], i) || !writesInto(pass, d.body, p, writes) {
					continue
				}
				writers[d.fn] = append(writers[d.fn], i)
				slices.Sort(writers[d.fn])
				changed = true
			}
		}
	}
	for fn, idx := range writers {
		pass.ExportObjectFact(fn, &writesParams{Params: idx})
	}
	return writers
}

// isVar reports whether e is the variable v.
func isVar(pass *analysis.Pass, e ast.Expr, v *types.Var) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && pass.TypesInfo.Uses[id] == v
}

// reassigned reports whether body assigns to v (then what it writes into
// later may be another map).
func reassigned(pass *analysis.Pass, body *ast.BlockStmt, v *types.Var) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if isVar(pass, l, v) {
					found = true
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND && isVar(pass, n.X, v) {
				found = true // &m: written through a pointer, maybe
			}
		}
		return !found
	})
	return found
}

// writesInto reports whether body writes into the map parameter v.
func writesInto(pass *analysis.Pass, body *ast.BlockStmt, v *types.Var, writes func(*types.Func, int) bool) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return true // a closure writing it writes it too
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if ix, ok := ast.Unparen(l).(*ast.IndexExpr); ok && isVar(pass, ix.X, v) {
					found = true
				}
			}
		case *ast.IncDecStmt:
			if ix, ok := ast.Unparen(n.X).(*ast.IndexExpr); ok && isVar(pass, ix.X, v) {
				found = true
			}
		case *ast.CallExpr:
			if len(n.Args) == 0 {
				break
			}
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok {
				if b, ok := pass.TypesInfo.Uses[id].(*types.Builtin); ok && (b.Name() == "delete" || b.Name() == "clear") {
					found = found || isVar(pass, n.Args[0], v)
					break
				}
			}
			fn := typeutil.StaticCallee(pass.TypesInfo, n)
			if fn == nil {
				break
			}
			if fn.Pkg() != nil && fn.Pkg().Path() == "maps" && mapWriters[fn.Name()] {
				found = found || isVar(pass, n.Args[0], v)
				break
			}
			for i, a := range n.Args {
				if isVar(pass, a, v) && writes(fn, i) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

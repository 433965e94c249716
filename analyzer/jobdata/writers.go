package jobdata

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/routigen/routigen/analyzer/internal/paramfacts"
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
	params := paramfacts.Params(pass, func(fd *ast.FuncDecl, v *types.Var) bool {
		_, isMap := v.Type().Underlying().(*types.Map)
		return isMap && !reassigned(pass, fd.Body, v) // reassigned: it may write into another map
	})
	imported := func(fn *types.Func) []int {
		var f writesParams
		pass.ImportObjectFact(fn, &f)
		return f.Params
	}
	writers := paramfacts.Fixpoint(pass, params, imported, func(p paramfacts.Param, writes paramfacts.Marked) bool {
		return writesInto(pass, p.Body, p.Var, writes)
	})
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
func writesInto(pass *analysis.Pass, body *ast.BlockStmt, v *types.Var, writes paramfacts.Marked) bool {
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

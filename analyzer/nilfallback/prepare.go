package nilfallback

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/routigen/routigen/analyzer/internal/accessors"
	"github.com/routigen/routigen/analyzer/internal/rtapi"
)

// mayLookUp reports whether the package can contain a lookup: it imports
// the runtime, or a package with a generated accessor or a lookup helper.
// Most packages a build depends on (the standard library) do not, and the
// check skips building SSA for them; that is why it asks the lazy
// ssabuild helper instead of requiring buildssa, which would build SSA for
// every dependency.
func (c *checker) mayLookUp(acc *accessors.Result) bool {
	for _, imp := range c.pass.Pkg.Imports() {
		if imp.Path() == rtapi.Path {
			return true
		}
		// Generated accessors are package-level functions, called by name.
		scope := imp.Scope()
		for _, name := range scope.Names() {
			if fn, ok := scope.Lookup(name).(*types.Func); ok {
				if _, ok := acc.Of(fn); ok {
					return true
				}
			}
		}
	}
	// A helper may be a method reached through any dependency.
	for _, f := range c.pass.AllObjectFacts() {
		if _, ok := f.Fact.(*helperFact); ok {
			return true
		}
	}
	return false
}

// syntacticAlwaysErr exports alwaysErrFact, without SSA, on functions whose
// every return statement returns an error that is plainly non-nil: a
// composite literal or its address, a package-level error variable, or a
// call of fmt.Errorf, errors.New, errors.Join or a function already known
// to return a non-nil error.
func (c *checker) syntacticAlwaysErr() {
	pass := c.pass
	errType := types.Universe.Lookup("error").Type()
	known := map[*types.Func]bool{}
	var decls []*ast.FuncDecl
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	for n := range ins.PreorderSeq((*ast.FuncDecl)(nil)) {
		fd := n.(*ast.FuncDecl)
		obj, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
		if !ok || fd.Body == nil {
			continue
		}
		res := obj.Signature().Results()
		if res.Len() > 0 && types.Identical(res.At(res.Len()-1).Type(), errType) {
			decls = append(decls, fd)
		}
	}
	nonNil := func(e ast.Expr) bool {
		e = ast.Unparen(e)
		switch e := e.(type) {
		case *ast.CompositeLit:
			return true
		case *ast.UnaryExpr:
			_, ok := ast.Unparen(e.X).(*ast.CompositeLit)
			return ok
		case *ast.CallExpr:
			fn := typeutil.StaticCallee(pass.TypesInfo, e)
			if fn == nil || fn.Pkg() == nil {
				return false
			}
			if (fn.Pkg().Path() == "fmt" && fn.Name() == "Errorf") ||
				(fn.Pkg().Path() == "errors" && (fn.Name() == "New" || fn.Name() == "Join")) {
				return true
			}
			return known[fn] || (fn.Pkg() != pass.Pkg && pass.ImportObjectFact(fn, new(alwaysErrFact)))
		case *ast.Ident, *ast.SelectorExpr:
			var id *ast.Ident
			if sel, ok := e.(*ast.SelectorExpr); ok {
				id = sel.Sel
			} else {
				id = e.(*ast.Ident)
			}
			v, ok := pass.TypesInfo.Uses[id].(*types.Var)
			return ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() && types.Identical(v.Type(), errType)
		}
		return false
	}
	for changed := true; changed; {
		changed = false
		for _, fd := range decls {
			obj := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if known[obj] {
				continue
			}
			returns, all := 0, true
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncLit:
					return false
				case *ast.ReturnStmt:
					returns++
					if len(n.Results) == 0 || !nonNil(n.Results[len(n.Results)-1]) {
						all = false
					}
				}
				return all
			})
			if returns > 0 && all {
				known[obj] = true
				changed = true
			}
		}
	}
	for obj := range known {
		pass.ExportObjectFact(obj, new(alwaysErrFact))
	}
}

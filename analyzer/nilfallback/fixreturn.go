package nilfallback

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/ssa"

	"github.com/routigen/routigen/analyzer/internal/lookup"
)

// returnFix rewrites the commonest fallback, a return of a nil error when
// the lookup finds nothing, into returning the lookup's error:
//
//	job, err := runtime.RequireJob(ctx)  // or an accessor TOf(ctx)
//	if err != nil {
//		return nil, nil                  // becomes: return nil, err
//	}
//
// and, for the comma-ok lookups, into the lookup that has an error:
//
//	job, ok := runtime.JobFromContext(ctx)  // job, err := runtime.RequireJob(ctx)
//	if !ok {                                // if err != nil {
//		return nil                          //	return err
//	}
//
// It offers a fix only where the rewrite is exact: the if follows the
// lookup at once (or holds it in its init statement), tests exactly the
// lookup's error (err != nil) or ok (!ok, ok == false), and its missing
// branch is that one return, whose last result is nil in a function whose
// last result is an error. The comma-ok form also needs an ok used nowhere
// else and a name err that means nothing yet where the lookup is.
// The if following at once and testing exactly the lookup's status is
// where every path of the missing case goes first, so the fix is the whole
// of it.
func (c *checker) returnFix(fn *ssa.Function, l *lookup.Lookup, call *ast.CallExpr) []analysis.SuggestedFix {
	if l.Callee.Helper || l.Callee.StatusIndex != 1 || l.Callee.Results != 2 || !returnsError(fn) {
		return nil
	}
	as, ifs, path := c.assignAndIf(fn, call)
	if ifs == nil || ifs.Body == nil || len(ifs.Body.List) != 1 {
		return nil
	}
	ret, ok := ifs.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != fn.Signature.Results().Len() {
		return nil
	}
	last := ret.Results[len(ret.Results)-1]
	if !c.isNil(last) {
		return nil
	}
	status, ok := as.Lhs[1].(*ast.Ident)
	if !ok || status.Name == "_" {
		return nil
	}
	obj, ok := c.pass.TypesInfo.ObjectOf(status).(*types.Var)
	if !ok {
		return nil
	}
	if l.Callee.StatusErr {
		if !types.Identical(obj.Type(), errorType) || !c.testsErr(ifs.Cond, obj) {
			return nil
		}
		return []analysis.SuggestedFix{{
			Message:   "Return the lookup's error instead of nil",
			TextEdits: []analysis.TextEdit{{Pos: last.Pos(), End: last.End(), NewText: []byte(status.Name)}},
		}}
	}
	// The comma-ok form.
	if as.Tok != token.DEFINE || c.pass.TypesInfo.Defs[status] == nil || !c.testsNotOK(ifs.Cond, obj) ||
		c.usesOf(obj) != 1 || !c.errFree(fn, as, path) {
		return nil
	}
	rename, newName, ok := c.renameLookup(l, call)
	if !ok || newName == "" {
		return nil
	}
	return []analysis.SuggestedFix{{
		Message: "Use runtime." + newName + " and return its error",
		TextEdits: []analysis.TextEdit{
			rename,
			{Pos: status.Pos(), End: status.End(), NewText: []byte("err")},
			{Pos: ifs.Cond.Pos(), End: ifs.Cond.End(), NewText: []byte("err != nil")},
			{Pos: last.Pos(), End: last.End(), NewText: []byte("err")},
		},
	}}
}

// assignAndIf returns the assignment `v, s := call` or `v, s = call` that
// is a statement of fn of its own, and the if statement that follows it at
// once in the same block or that holds it as its init statement; nil when
// there is none. path encloses the assignment, innermost first.
func (c *checker) assignAndIf(fn *ssa.Function, call *ast.CallExpr) (*ast.AssignStmt, *ast.IfStmt, []ast.Node) {
	file := c.src.File(call.Pos())
	if file == nil {
		return nil, nil, nil
	}
	path, _ := astutil.PathEnclosingInterval(file, call.Pos(), call.End())
	if len(path) < 3 || path[0] != call || !inFunc(path[3:], fn) {
		return nil, nil, nil
	}
	as, ok := path[1].(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 || (as.Tok != token.DEFINE && as.Tok != token.ASSIGN) {
		return nil, nil, nil
	}
	var list []ast.Stmt
	switch p := path[2].(type) {
	case *ast.IfStmt:
		if p.Init == as {
			return as, p, path[1:]
		}
		return nil, nil, nil
	case *ast.BlockStmt:
		list = p.List
	case *ast.CaseClause:
		list = p.Body
	case *ast.CommClause:
		list = p.Body
	default:
		return nil, nil, nil
	}
	for i, s := range list {
		if s == as && i+1 < len(list) {
			if ifs, ok := list[i+1].(*ast.IfStmt); ok && ifs.Init == nil {
				return as, ifs, path[1:]
			}
		}
	}
	return nil, nil, nil
}

// inFunc reports whether the innermost function among path (innermost
// first) is fn's own syntax.
func inFunc(path []ast.Node, fn *ssa.Function) bool {
	for _, n := range path {
		switch n.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return n == fn.Syntax()
		}
	}
	return false
}

// isNil reports whether e is the predeclared nil.
func (c *checker) isNil(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	_, isNil := c.pass.TypesInfo.Uses[id].(*types.Nil)
	return isNil
}

// is reports whether e is a use of obj.
func (c *checker) is(e ast.Expr, obj types.Object) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && c.pass.TypesInfo.Uses[id] == obj
}

// testsErr reports whether cond is exactly err != nil (or nil != err) for
// the error variable err.
func (c *checker) testsErr(cond ast.Expr, err types.Object) bool {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	return ok && b.Op == token.NEQ &&
		(c.is(b.X, err) && c.isNil(b.Y) || c.isNil(b.X) && c.is(b.Y, err))
}

// testsNotOK reports whether cond is exactly !ok, ok == false or false ==
// ok for the bool variable ok.
func (c *checker) testsNotOK(cond ast.Expr, ok types.Object) bool {
	switch e := ast.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		return e.Op == token.NOT && c.is(e.X, ok)
	case *ast.BinaryExpr:
		isFalse := func(x ast.Expr) bool {
			id, isID := ast.Unparen(x).(*ast.Ident)
			return isID && c.pass.TypesInfo.Uses[id] == types.Universe.Lookup("false")
		}
		return e.Op == token.EQL && (c.is(e.X, ok) && isFalse(e.Y) || isFalse(e.X) && c.is(e.Y, ok))
	}
	return false
}

// usesOf counts the uses of obj.
func (c *checker) usesOf(obj types.Object) int {
	n := 0
	for _, use := range c.pass.TypesInfo.Uses {
		if use == obj {
			n++
		}
	}
	return n
}

// errFree reports whether declaring err with as (v, err := …) changes
// nothing else: the scope as declares in holds no err of its own (as
// would assign it, or a later declaration would clash), no use of an
// err of an enclosing scope follows as in that scope (it would see the
// new one), and that err is not a named result of fn (see errUnseen).
func (c *checker) errFree(fn *ssa.Function, as *ast.AssignStmt, path []ast.Node) bool {
	scope := c.scopeOf(path)
	if scope == nil || scope.Lookup("err") != nil || !c.errUnseen(fn, scope, as.Pos()) {
		return false
	}
	if _, outer := scope.LookupParent("err", as.Pos()); outer != nil {
		for id, use := range c.pass.TypesInfo.Uses {
			if use == outer && id.Pos() > as.End() && id.Pos() < scope.End() {
				return false
			}
		}
	}
	return true
}

// scopeOf returns the scope of the innermost node of path that has one:
// where `:=` in path[0] declares.
func (c *checker) scopeOf(path []ast.Node) *types.Scope {
	for _, n := range path {
		switch f := n.(type) {
		case *ast.FuncDecl: // parameters and body share the FuncType's scope
			n = f.Type
		case *ast.FuncLit:
			n = f.Type
		}
		if s := c.pass.TypesInfo.Scopes[n]; s != nil {
			return s
		}
	}
	return nil
}

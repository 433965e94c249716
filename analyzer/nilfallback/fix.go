package nilfallback

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/ssa"

	"github.com/routigen/routigen/analyzer/internal/lookup"
	"github.com/routigen/routigen/analyzer/internal/rtapi"
)

// fix rewrites `v, _ := lookup(ctx)`, a statement of its own in a function
// whose last result is an error, into the fail-fast form:
//
//	v, err := runtime.RequireJob(ctx)
//	if err != nil {
//		return ..., err
//	}
//
// It offers nothing when the rewrite would not compile or would change
// what the statement means.
func (c *checker) fix(fn *ssa.Function, l *lookup.Lookup, call *ast.CallExpr) []analysis.SuggestedFix {
	if l.Callee.Helper || l.Callee.StatusIndex != 1 || l.Callee.Results != 2 || !returnsError(fn) {
		return nil
	}
	file := c.src.File(call.Pos())
	if file == nil {
		return nil
	}
	path, _ := astutil.PathEnclosingInterval(file, call.Pos(), call.End())
	if len(path) < 3 || path[0] != call {
		return nil
	}
	as, ok := path[1].(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
		return nil
	}
	blank, ok := as.Lhs[1].(*ast.Ident)
	if !ok || blank.Name != "_" {
		return nil
	}
	switch path[2].(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
	default:
		return nil
	}
	if !inFunc(path[3:], fn) { // the statement is in fn itself
		return nil
	}
	info := c.pass.TypesInfo
	// `v, err :=` assigns an err of the same scope, or shadows one of an
	// enclosing scope: either changes what a later use of err means.
	if scope := c.pass.Pkg.Scope().Innermost(as.Pos()); scope != nil {
		if obj := scope.Lookup("err"); obj != nil {
			v, ok := obj.(*types.Var)
			lhs, _ := as.Lhs[0].(*ast.Ident)
			if !ok || obj.Pos() > as.Pos() || !types.Identical(v.Type(), types.Universe.Lookup("error").Type()) ||
				lhs == nil || info.Defs[lhs] == nil {
				return nil
			}
		}
		if _, obj := scope.LookupParent("err", as.Pos()); obj != nil {
			for id, use := range info.Uses {
				if use == obj && id.Pos() > as.End() && id.Pos() < scope.End() {
					return nil
				}
			}
		}
		if !c.errUnseen(fn, scope, as.Pos()) {
			return nil
		}
	}
	var edits []analysis.TextEdit
	rename, newName, ok := c.renameLookup(l, call)
	if !ok {
		return nil
	}
	if newName != "" {
		edits = append(edits, rename)
	}
	indent, eol, ok := c.line(as)
	if !ok {
		return nil
	}
	res := fn.Signature.Results()
	var zeros []string
	for i := 0; i < res.Len()-1; i++ {
		z, ok := zero(res.At(i).Type(), c.pass.Pkg, file, c.pass.Pkg.Scope().Innermost(as.Pos()), eol)
		if !ok {
			return nil
		}
		zeros = append(zeros, z)
	}
	zeros = append(zeros, "err")
	text := fmt.Sprintf("\n%sif err != nil {\n%s\treturn %s\n%s}", indent, indent, strings.Join(zeros, ", "), indent)
	edits = append(edits,
		analysis.TextEdit{Pos: blank.Pos(), End: blank.End(), NewText: []byte("err")},
		analysis.TextEdit{Pos: eol, End: eol, NewText: []byte(text)},
	)
	msg := "Return the lookup's error"
	if newName != "" {
		msg = "Use runtime." + newName + " and return its error"
	}
	return []analysis.SuggestedFix{{Message: msg, TextEdits: edits}}
}

// errUnseen reports whether declaring err at pos in scope (v, err := …)
// changes nothing the function shows outside the fix: the err it finds is
// not a named result of fn (assigning it changes what a bare return hands
// back; shadowing it makes a bare return after it a compile error), and an
// err it would assign is read by no function literal (a deferred one, say,
// which runs after the lookup and would see the new value).
func (c *checker) errUnseen(fn *ssa.Function, scope *types.Scope, pos token.Pos) bool {
	_, obj := scope.LookupParent("err", pos)
	if obj == nil {
		return true
	}
	res := fn.Signature.Results()
	for i := range res.Len() {
		if res.At(i) == obj {
			return false
		}
	}
	if scope.Lookup("err") != obj || fn.Syntax() == nil {
		return true // shadowed: the function literals still see the old one
	}
	var lits []*ast.FuncLit
	ast.Inspect(fn.Syntax(), func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok && n != fn.Syntax() {
			lits = append(lits, lit)
		}
		return true
	})
	for id, use := range c.pass.TypesInfo.Uses {
		if use != obj {
			continue
		}
		for _, lit := range lits {
			if lit.Pos() <= id.Pos() && id.Pos() < lit.End() {
				return false
			}
		}
	}
	return true
}

// renameLookup returns the edit that turns l's call of
// runtime.JobFromContext or ExecFromContext into one of RequireJob or
// RequireExec, and that new name; newName is "" for any other lookup, which
// keeps its name. ok is false when the call's name cannot be edited (a
// function value).
func (c *checker) renameLookup(l *lookup.Lookup, call *ast.CallExpr) (edit analysis.TextEdit, newName string, ok bool) {
	switch l.Callee.Name {
	case "runtime.JobFromContext":
		newName = "RequireJob"
	case "runtime.ExecFromContext":
		newName = "RequireExec"
	default:
		return analysis.TextEdit{}, "", true
	}
	info := c.pass.TypesInfo
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			if _, ok := info.Uses[x].(*types.PkgName); ok {
				id = f.Sel
			}
		}
	case *ast.Ident:
		if fn, ok := info.Uses[f].(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == rtapi.Path {
			id = f // dot import
		}
	}
	if id == nil {
		return analysis.TextEdit{}, "", false
	}
	return analysis.TextEdit{Pos: id.Pos(), End: id.End(), NewText: []byte(newName)}, newName, true
}

// line returns the white space that starts the line of as, and the end of
// that line; ok is false when another statement follows as on its line.
func (c *checker) line(as ast.Stmt) (indent string, eol token.Pos, ok bool) {
	tf := c.pass.Fset.File(as.Pos())
	read := c.pass.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	src, err := read(tf.Name())
	if err != nil || tf.Offset(as.End()) > len(src) {
		return "", token.NoPos, false
	}
	// From the text itself: tf.Line honours //line directives (cgo's
	// translation of a file has them), and its lines are not the file's.
	start := bytes.LastIndexByte(src[:tf.Offset(as.Pos())], '\n') + 1
	lead := src[start:tf.Offset(as.Pos())]
	indent = string(lead[:len(lead)-len(bytes.TrimLeft(lead, " \t"))])
	end := tf.Offset(as.End())
	rest := src[end:]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	after := bytes.TrimSpace(rest)
	if len(after) > 0 && !bytes.HasPrefix(after, []byte("//")) {
		return "", token.NoPos, false
	}
	return indent, tf.Pos(end + len(bytes.TrimRight(rest, "\r"))), true
}

// zero returns an expression for the zero value of t, as written in file
// at pos, in scope: nothing when a name it needs means something else
// there (state, _ := state.CounterOf(ctx) hides the package state).
func zero(t types.Type, pkg *types.Package, file *ast.File, scope *types.Scope, pos token.Pos) (string, bool) {
	if scope == nil {
		return "", false
	}
	means := func(name string, want types.Object) bool {
		_, obj := scope.LookupParent(name, pos)
		if pn, ok := obj.(*types.PkgName); ok {
			wp, ok := want.(*types.PkgName)
			return ok && pn.Imported() == wp.Imported()
		}
		return obj == want
	}
	if tp, ok := t.(*types.TypeParam); ok {
		return "*new(" + tp.Obj().Name() + ")", means(tp.Obj().Name(), tp.Obj())
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return "false", true
		case u.Info()&types.IsNumeric != 0:
			return "0", true
		case u.Info()&types.IsString != 0:
			return `""`, true
		case u.Kind() == types.UnsafePointer:
			return "nil", true
		}
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		return "nil", true
	case *types.Struct:
		n, ok := types.Unalias(t).(*types.Named)
		if !ok || n.TypeArgs().Len() > 0 || n.Obj().Pkg() == nil {
			return "", false
		}
		if n.Obj().Pkg() == pkg {
			return n.Obj().Name() + "{}", means(n.Obj().Name(), n.Obj())
		}
		for _, imp := range file.Imports {
			if strings.Trim(imp.Path.Value, `"`) != n.Obj().Pkg().Path() {
				continue
			}
			name := n.Obj().Pkg().Name()
			if imp.Name != nil {
				name = imp.Name.Name
			}
			switch {
			case name == "_":
				continue
			case name == ".":
				if means(n.Obj().Name(), n.Obj()) {
					return n.Obj().Name() + "{}", true
				}
				continue
			}
			if means(name, types.NewPkgName(token.NoPos, pkg, name, n.Obj().Pkg())) {
				return name + "." + n.Obj().Name() + "{}", true
			}
		}
	}
	return "", false
}

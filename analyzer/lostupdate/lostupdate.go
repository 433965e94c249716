package lostupdate

import (
	"bytes"
	_ "embed"
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/routigen/routigen/analyzer/internal/accessors"
	"github.com/routigen/routigen/analyzer/internal/docs"
	"github.com/routigen/routigen/analyzer/internal/flow"
	"github.com/routigen/routigen/analyzer/internal/rtapi"
	"github.com/routigen/routigen/analyzer/internal/ssabuild"
	"github.com/routigen/routigen/analyzer/internal/suppress"
	"github.com/routigen/routigen/internal/directive"
)

//go:embed doc.go
var doc string

// Analyzer reports lost read-modify-write updates.
var Analyzer = &analysis.Analyzer{
	Name:      "lostupdate",
	Doc:       docs.MustExtract(doc, "lostupdate"),
	URL:       "https://github.com/routigen/routigen#lostupdate",
	Run:       run,
	Requires:  []*analysis.Analyzer{ssabuild.Analyzer, accessors.Analyzer},
	FactTypes: []analysis.Fact{new(splitsUpdate)},
}

type checker struct {
	pass *analysis.Pass
	r    *suppress.Reporter
	acc  *accessors.Result
	src  *ssabuild.Result // SSA, and the syntax of SSA positions
}

func run(pass *analysis.Pass) (any, error) {
	c := &checker{
		pass: pass,
		r:    suppress.New(pass),
		acc:  pass.ResultOf[accessors.Analyzer].(*accessors.Result),
		src:  pass.ResultOf[ssabuild.Analyzer].(*ssabuild.Result),
	}
	defer c.r.Finish()
	if rtapi.IsRuntime(pass.Pkg) {
		return nil, nil // the runtime implements and tests these methods
	}
	splitters := exportSplitters(pass)
	if !ssabuild.Uses(pass, c.isWrite) {
		return nil, nil // no write to check: skip building SSA
	}
	for _, fn := range c.src.SSA().SrcFuncs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				if ci, ok := in.(ssa.CallInstruction); ok {
					c.check(ci.Common())
					c.checkSplitter(ci.Common(), splitters)
				}
			}
		}
	}
	return nil, nil
}

// isWrite reports whether obj is a write the check is about:
// UpdateRoutineState, or a setter or Store of an accessor of state that
// concurrent activations share.
func (c *checker) isWrite(obj types.Object) bool {
	if rtapi.IsMethod(obj, rtapi.WorkerState, "UpdateRoutineState") {
		return true
	}
	fn, ok := obj.(*types.Func)
	if !ok || fn.Signature().Recv() == nil {
		return false
	}
	if n := fn.Name(); n != "Store" && !strings.HasPrefix(n, "Set") {
		return false
	}
	fact, ok := c.acc.Accessor(fn.Signature().Recv().Type())
	return ok && fact.Concurrent()
}

func (c *checker) check(cc *ssa.CallCommon) {
	call, ok := rtapi.Resolve(cc)
	if !ok || call.Recv == nil {
		return
	}
	if rtapi.IsMethod(call.Func, rtapi.WorkerState, "UpdateRoutineState") && len(call.Args) == 2 {
		c.checkWorker(cc, call)
		return
	}
	fact, ok := c.acc.Accessor(call.Func.Signature().Recv().Type())
	if !ok || !fact.Concurrent() || len(call.Args) != 1 {
		return
	}
	recvType := call.Func.Signature().Recv().Type()
	name := call.Func.Name()
	var field string // the field a setter writes
	switch {
	case name == "Store":
	case strings.HasPrefix(name, "Set") && isGetter(recvType, name[len("Set"):]):
		field = name[len("Set"):]
	default:
		return
	}
	t := c.tracer(func(t *flow.Tracer, src *ssa.CallCommon) bool {
		read, ok := rtapi.Resolve(src)
		if !ok || read.Recv == nil || !sameMethodSet(read.Func, call.Func) || !t.Same(read.Recv, call.Recv) {
			return false
		}
		n := read.Func.Name()
		if field != "" {
			return n == field || n == "Load"
		}
		return n == "Load" || isGetter(recvType, n)
	})
	if !t.Derives(call.Args[0]) {
		return
	}
	expr := c.src.Call(cc.Pos())
	recv := "the accessor"
	pos := cc.Pos()
	if expr != nil {
		pos = expr.Pos()
		if sel, ok := astSelector(expr); ok {
			recv = types.ExprString(sel.X)
		}
	}
	where := scopeOf(fact)
	var d analysis.Diagnostic
	if field != "" {
		d = analysis.Diagnostic{Pos: pos, Message: fmt.Sprintf(
			"%s.%s writes a value computed from %s.%s(), read in a separate call; concurrent activations sharing this %s %s lose their updates in between: use %s.Update",
			recv, name, recv, field, where, fact.StateType, recv)}
		if expr != nil {
			d.SuggestedFixes = c.fix(expr, recvType, field)
		}
	} else {
		d = analysis.Diagnostic{Pos: pos, Message: fmt.Sprintf(
			"%s.Store writes a value derived from %s.Load(), read in a separate call; concurrent activations sharing this %s %s lose their updates in between: use %s.Update",
			recv, recv, where, fact.StateType, recv)}
	}
	c.r.Report(d)
}

func scopeOf(f *accessors.Fact) string {
	s := string(f.Scope) + "-scope"
	if f.Shared {
		s = "shared " + s
	}
	return s
}

// checkWorker reports UpdateRoutineState(id, m) with m derived from
// RoutineState(id) of the same worker.
func (c *checker) checkWorker(cc *ssa.CallCommon, call rtapi.Call) {
	id, m := call.Args[0], call.Args[1]
	t := c.tracer(func(t *flow.Tracer, src *ssa.CallCommon) bool {
		read, ok := rtapi.Resolve(src)
		return ok && read.Recv != nil && len(read.Args) == 1 &&
			rtapi.IsMethod(read.Func, rtapi.WorkerState, "RoutineState") &&
			t.Same(read.Recv, call.Recv) && t.Same(read.Args[0], id)
	})
	if !t.Derives(m) {
		return
	}
	pos := cc.Pos()
	if a := c.src.Call(cc.Pos()); a != nil {
		pos = a.Pos()
	}
	c.r.Reportf(pos, "UpdateRoutineState writes state derived from RoutineState with the same key, read in a separate call; concurrent jobs on the worker lose their updates in between: use ModifyRoutineState")
}

func (c *checker) tracer(source func(*flow.Tracer, *ssa.CallCommon) bool) *flow.Tracer {
	return &flow.Tracer{
		Mode:   flow.Data,
		Source: source,
		SameCall: func(t *flow.Tracer, a, b *ssa.CallCommon) bool {
			fa, fb := a.StaticCallee(), b.StaticCallee()
			if fa == nil || fa != fb || len(a.Args) != len(b.Args) {
				return false
			}
			obj, _ := fa.Object().(*types.Func)
			if _, ok := c.acc.Of(obj); !ok {
				return false
			}
			for i := range a.Args {
				if !t.Same(a.Args[i], b.Args[i]) {
					return false
				}
			}
			return true
		},
	}
}

// sameMethodSet reports whether a and b are methods of the same type.
func sameMethodSet(a, b *types.Func) bool {
	ra, rb := a.Signature().Recv(), b.Signature().Recv()
	if ra == nil || rb == nil {
		return false
	}
	return types.Identical(deref(ra.Type()), deref(rb.Type()))
}

func deref(t types.Type) types.Type {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// isGetter reports whether the accessor type has a field getter name: a
// method with no parameters and one result, other than the fixed methods.
func isGetter(recv types.Type, name string) bool {
	if name == "" {
		return false
	}
	for _, m := range directive.AccessorMethods {
		if m == name {
			return false
		}
	}
	obj, _, _ := types.LookupFieldOrMethod(recv, true, nil, name)
	fn, ok := obj.(*types.Func)
	if !ok {
		return false
	}
	sig := fn.Signature()
	return sig.Params().Len() == 0 && sig.Results().Len() == 1
}

func astSelector(call *ast.CallExpr) (*ast.SelectorExpr, bool) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	return sel, ok
}

// fix rewrites recv.SetF(recv.F() OP y) as recv.Update(func(s *T) { s.F OP= y }).
func (c *checker) fix(call *ast.CallExpr, recvType types.Type, field string) []analysis.SuggestedFix {
	sel, ok := astSelector(call)
	if !ok || len(call.Args) != 1 || !c.isStatement(call) {
		return nil
	}
	bin, ok := ast.Unparen(call.Args[0]).(*ast.BinaryExpr)
	if !ok || !assignable(bin.Op) {
		return nil
	}
	get, ok := ast.Unparen(bin.X).(*ast.CallExpr)
	if !ok || len(get.Args) != 0 {
		return nil
	}
	getSel, ok := ast.Unparen(get.Fun).(*ast.SelectorExpr)
	if !ok || getSel.Sel.Name != field || !sameExpr(getSel.X, sel.X) || hasCall(sel.X) || hasCall(bin.Y) {
		return nil
	}
	typ := c.stateType(call.Pos(), recvType)
	if typ == "" {
		return nil
	}
	p := paramName(sel.X, bin.Y)
	if p == "" || strings.HasPrefix(typ, p+".") {
		return nil
	}
	recv := c.print(sel.X)
	y := c.print(bin.Y)
	var body string
	tv := c.pass.TypesInfo.Types[bin.Y]
	switch {
	case tv.Value != nil && tv.Value.String() == "1" && isNumber(tv.Type) && (bin.Op == token.ADD || bin.Op == token.SUB):
		body = fmt.Sprintf("%s.%s%s", p, field, map[token.Token]string{token.ADD: "++", token.SUB: "--"}[bin.Op])
	default:
		body = fmt.Sprintf("%s.%s %s= %s", p, field, bin.Op, y)
	}
	text := fmt.Sprintf("%s.Update(func(%s *%s) { %s })", recv, p, typ, body)
	return []analysis.SuggestedFix{{
		Message:   "Use Update for an atomic read-modify-write",
		TextEdits: []analysis.TextEdit{{Pos: call.Pos(), End: call.End(), NewText: []byte(text)}},
	}}
}

func isNumber(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsNumeric != 0
}

func assignable(op token.Token) bool {
	switch op {
	case token.ADD, token.SUB, token.MUL, token.QUO, token.REM,
		token.AND, token.OR, token.XOR, token.SHL, token.SHR, token.AND_NOT:
		return true
	}
	return false
}

// isStatement reports whether call is an expression statement (not deferred
// or started as a goroutine, whose arguments are evaluated early).
func (c *checker) isStatement(call *ast.CallExpr) bool {
	f := c.src.File(call.Pos())
	if f == nil {
		return false
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if found {
			return false
		}
		if es, ok := n.(*ast.ExprStmt); ok && es.X == call {
			found = true
		}
		return n == nil || (n.Pos() <= call.Pos() && call.End() <= n.End())
	})
	return found
}

func sameExpr(a, b ast.Expr) bool {
	return types.ExprString(a) == types.ExprString(b)
}

// hasCall reports whether evaluating e may do more than read: a call, a
// function literal or a channel receive, which the fix must not move into
// Update's function (run later, with the state locked).
func hasCall(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr, *ast.FuncLit:
			found = true
		case *ast.UnaryExpr:
			found = n.Op == token.ARROW
		}
		return !found
	})
	return found
}

// paramName picks a name for the Update callback's parameter that none of
// the expressions moved into it uses.
func paramName(exprs ...ast.Expr) string {
	used := map[string]bool{}
	for _, e := range exprs {
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
	}
	for _, p := range []string{"s", "st", "state", "v", "x"} {
		if !used[p] {
			return p
		}
	}
	return ""
}

// stateType returns the state type T, as the file of pos must spell it,
// from the accessor's Update(func(*T)); "" when it cannot be spelled there.
func (c *checker) stateType(pos token.Pos, recvType types.Type) string {
	obj, _, _ := types.LookupFieldOrMethod(recvType, true, nil, "Update")
	fn, ok := obj.(*types.Func)
	if !ok || fn.Signature().Params().Len() != 1 {
		return ""
	}
	fsig, ok := fn.Signature().Params().At(0).Type().Underlying().(*types.Signature)
	if !ok || fsig.Params().Len() != 1 {
		return ""
	}
	ptr, ok := fsig.Params().At(0).Type().(*types.Pointer)
	if !ok {
		return ""
	}
	file := c.src.File(pos)
	named, isNamed := types.Unalias(ptr.Elem()).(*types.Named)
	if file == nil || !isNamed {
		return ""
	}
	// Every name the type is spelled with must mean, at pos, what it
	// means at package level: a local variable named after the package
	// (state, err := state.CounterOf(ctx)) or after the type hides it.
	scope := c.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return ""
	}
	means := func(name string, want types.Object) bool {
		_, obj := scope.LookupParent(name, pos)
		if pn, ok := obj.(*types.PkgName); ok {
			if wp, ok := want.(*types.PkgName); ok {
				return pn.Imported() == wp.Imported()
			}
		}
		return obj == want
	}
	tn := named.Obj()
	if tn.Pkg() == c.pass.Pkg {
		if !means(tn.Name(), tn) {
			return ""
		}
		return tn.Name()
	}
	for _, imp := range file.Imports {
		if strings.Trim(imp.Path.Value, `"`) != tn.Pkg().Path() {
			continue
		}
		name := tn.Pkg().Name()
		if imp.Name != nil {
			name = imp.Name.Name
		}
		switch {
		case name == "_":
			continue
		case name == ".":
			if means(tn.Name(), tn) {
				return tn.Name()
			}
			continue
		}
		if means(name, types.NewPkgName(token.NoPos, c.pass.Pkg, name, tn.Pkg())) {
			return name + "." + tn.Name()
		}
	}
	return ""
}

func (c *checker) print(e ast.Expr) string {
	var buf bytes.Buffer
	if err := printer.Fprint(&buf, c.pass.Fset, e); err != nil {
		return types.ExprString(e)
	}
	return buf.String()
}

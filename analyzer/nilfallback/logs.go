package nilfallback

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/routigen/routigen/analyzer/internal/paramfacts"
)

// logsOnly marks a function that does nothing with some of its error or
// bool parameters but print or log them (directly, or by passing them to
// another such function): a lookup's ok or error handed to it is not
// handled, so the lookup is checked as if it were not passed on at all.
// Like x/tools' printf wrapper facts, it is unexported and read only here.
type logsOnly struct {
	Params []int // indices in the signature's parameters, receiver excluded
}

func (*logsOnly) AFact() {}

func (f *logsOnly) String() string { return fmt.Sprintf("only logs parameters %v", f.Params) }

// exportLogsOnly finds, to a fixed point and from syntax alone (so a
// logging package pays no SSA), the functions of the package that only log
// an error or bool parameter, exports the fact and records them in c.
func (c *checker) exportLogsOnly() {
	pass := c.pass
	params := paramfacts.Params(pass, func(_ *ast.FuncDecl, v *types.Var) bool {
		b, ok := v.Type().Underlying().(*types.Basic)
		return (ok && b.Kind() == types.Bool) || types.Identical(v.Type(), errorType)
	})
	c.logsOnly = paramfacts.Fixpoint(pass, params, c.importedLogsOnly, func(p paramfacts.Param, logs paramfacts.Marked) bool {
		return onlyLogged(pass, p.Body, p.Var, logs)
	})
	for fn, idx := range c.logsOnly {
		pass.ExportObjectFact(fn, &logsOnly{Params: idx})
	}
}

// importedLogsOnly returns the parameters another package's fn only logs.
func (c *checker) importedLogsOnly(fn *types.Func) []int {
	var f logsOnly
	c.pass.ImportObjectFact(fn, &f)
	return f.Params
}

var errorType = types.Universe.Lookup("error").Type()

// onlyLogged reports whether every use of v in body is an argument of a
// printing call (fmt.Print*/Fprint*, log.Print*, log/slog; also through
// v.Error()) or of a function that only logs that parameter, and there is
// at least one.
func onlyLogged(pass *analysis.Pass, body *ast.BlockStmt, v *types.Var, logs paramfacts.Marked) bool {
	uses, ok := 0, true
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		stack = append(stack, n)
		id, isID := n.(*ast.Ident)
		if !isID || pass.TypesInfo.Uses[id] != v {
			return ok
		}
		uses++
		if !loggedAt(pass, stack, logs) {
			ok = false
		}
		return ok
	})
	return ok && uses > 0
}

// loggedAt reports whether the identifier at the top of stack is an
// argument of a logging call, or the receiver of an Error() call that is.
func loggedAt(pass *analysis.Pass, stack []ast.Node, logs paramfacts.Marked) bool {
	i := len(stack) - 1
	arg := stack[i].(ast.Expr)
	i--
	for i >= 0 {
		if p, ok := stack[i].(*ast.ParenExpr); ok {
			arg = p
			i--
			continue
		}
		break
	}
	if i < 0 {
		return false
	}
	// v.Error(), itself an argument
	if sel, ok := stack[i].(*ast.SelectorExpr); ok && sel.X == arg && sel.Sel.Name == "Error" && i >= 1 {
		if call, ok := stack[i-1].(*ast.CallExpr); ok && call.Fun == sel && len(call.Args) == 0 {
			return loggedAt(pass, stack[:i], logs)
		}
		return false
	}
	call, ok := stack[i].(*ast.CallExpr)
	if !ok {
		return false
	}
	idx := slices.Index(call.Args, arg)
	fn := typeutil.StaticCallee(pass.TypesInfo, call)
	if idx < 0 || fn == nil {
		return false
	}
	if printer(fn) {
		return true
	}
	if sig := fn.Signature(); sig.Variadic() && idx >= sig.Params().Len()-1 {
		return false // a variadic helper: its parameter is the slice
	}
	return logs(fn, idx)
}

// printer reports whether fn prints or logs its arguments and returns
// nothing a caller could act on: fmt.Print*, fmt.Fprint*, log.Print* (and
// *log.Logger's), log/slog's logging functions and *slog.Logger's.
func printer(fn *types.Func) bool {
	if fn.Pkg() == nil {
		return false
	}
	name := fn.Name()
	switch fn.Pkg().Path() {
	case "fmt":
		return strings.HasPrefix(name, "Print") || strings.HasPrefix(name, "Fprint")
	case "log":
		return strings.HasPrefix(name, "Print") || name == "Output"
	case "log/slog":
		switch name {
		case "Debug", "Info", "Warn", "Error", "Log", "DebugContext", "InfoContext", "WarnContext", "ErrorContext", "LogAttrs", "Any", "String":
			return true
		}
	}
	return false
}

// onlyLogsSSA is Env.OnlyLogs: fn only logs its i'th parameter.
func (c *checker) onlyLogsSSA(fn *ssa.Function, i int) bool {
	obj, ok := fn.Object().(*types.Func)
	if !ok {
		return false
	}
	if idx, ok := c.logsOnly[obj]; ok || obj.Pkg() == c.pass.Pkg {
		return slices.Contains(idx, i)
	}
	return slices.Contains(c.importedLogsOnly(obj), i)
}

package jobdata

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/ssa"

	"github.com/routigen/routigen/analyzer/internal/docs"
	"github.com/routigen/routigen/analyzer/internal/flow"
	"github.com/routigen/routigen/analyzer/internal/rtapi"
	"github.com/routigen/routigen/analyzer/internal/ssabuild"
	"github.com/routigen/routigen/analyzer/internal/suppress"
)

//go:embed doc.go
var doc string

// Analyzer reports raw job-data writes.
var Analyzer = &analysis.Analyzer{
	Name:      "jobdata",
	Doc:       docs.MustExtract(doc, "jobdata"),
	URL:       "https://github.com/routigen/routigen#jobdata",
	Run:       run,
	Requires:  []*analysis.Analyzer{inspect.Analyzer, ssabuild.Analyzer},
	FactTypes: []analysis.Fact{new(writesParams)},
}

const advice = "keep the value in a //routigen:state scope=job struct and use its generated accessor"

func run(pass *analysis.Pass) (any, error) {
	r := suppress.New(pass)
	defer r.Finish()
	if rtapi.IsRuntime(pass.Pkg) {
		return nil, nil // the runtime implements and tests these methods
	}
	writers := exportWriters(pass)
	checkCalls(pass, r)
	checkMapWrites(pass, r, writers)
	return nil, nil
}

// checkCalls reports SetData and DeleteData: calls, method values and
// method expressions.
func checkCalls(pass *analysis.Pass, r *suppress.Reporter) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	called := map[ast.Expr]*ast.CallExpr{}
	ins.Preorder([]ast.Node{(*ast.CallExpr)(nil), (*ast.SelectorExpr)(nil)}, func(n ast.Node) {
		switch n := n.(type) {
		case *ast.CallExpr:
			called[ast.Unparen(n.Fun)] = n
		case *ast.SelectorExpr:
			obj := pass.TypesInfo.Uses[n.Sel]
			if !rtapi.IsMethod(obj, rtapi.JobContext, "SetData", "DeleteData") {
				return
			}
			name := obj.Name()
			recv := types.ExprString(n.X)
			verb := "writes"
			if name == "DeleteData" {
				verb = "deletes"
			}
			call, isCall := called[n]
			if !isCall {
				r.Reportf(n.Pos(), "%s.%s used as a function value: every call %s raw job data under a flat key; %s", recv, name, verb, advice)
				return
			}
			keyArg := 0
			if sel := pass.TypesInfo.Selections[n]; sel != nil && sel.Kind() == types.MethodExpr {
				keyArg = 1
			}
			key := "a flat key"
			if keyArg < len(call.Args) {
				if k, ok := constString(pass, call.Args[keyArg]); ok {
					key = "the flat key " + strconv.Quote(k)
				}
			}
			r.Reportf(call.Pos(), "%s.%s %s raw job data under %s, which every routine instance in the job shares; %s",
				recv, name, verb, key, advice)
		}
	})
}

func constString(pass *analysis.Pass, e ast.Expr) (string, bool) {
	tv, ok := pass.TypesInfo.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// mapWriters are the functions of package maps that write into their first
// argument.
var mapWriters = map[string]bool{"Copy": true, "Insert": true, "DeleteFunc": true}

// checkMapWrites reports writes into the copies Data and Metadata return.
func checkMapWrites(pass *analysis.Pass, r *suppress.Reporter, writers map[*types.Func][]int) {
	if !ssabuild.Uses(pass, func(obj types.Object) bool {
		return rtapi.IsMethod(obj, rtapi.JobContext, "Data", "Metadata")
	}) {
		return // no copy to write into: skip building SSA
	}
	var source string // the method the last Derives found
	t := &flow.Tracer{
		Mode: flow.Alias,
		Source: func(_ *flow.Tracer, c *ssa.CallCommon) bool {
			call, ok := rtapi.Resolve(c)
			if ok && rtapi.IsMethod(call.Func, rtapi.JobContext, "Data", "Metadata") {
				source = call.Func.Name()
				return true
			}
			return false
		},
	}
	src := pass.ResultOf[ssabuild.Analyzer].(*ssabuild.Result)
	for _, fn := range src.SSA().SrcFuncs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				switch in := in.(type) {
				case *ssa.MapUpdate:
					if t.Derives(in.Map) {
						what := "this assignment"
						if k, ok := in.Key.(*ssa.Const); ok && k.Value != nil && k.Value.Kind() == constant.String {
							what = fmt.Sprintf("this assignment to %q", constant.StringVal(k.Value))
						}
						r.Reportf(src.Start(in.Pos()), "%s never reaches the job: the map %s() returns is %s; %s", what, source, copyOf(source), advice)
					}
				case ssa.CallInstruction:
					c := in.Common()
					var target ssa.Value
					var what string
					if bi, ok := c.Value.(*ssa.Builtin); ok {
						if (bi.Name() == "delete" || bi.Name() == "clear") && len(c.Args) > 0 {
							target, what = c.Args[0], bi.Name()
							if bi.Name() == "delete" && len(c.Args) > 1 {
								if k, ok := c.Args[1].(*ssa.Const); ok && k.Value != nil && k.Value.Kind() == constant.String {
									what = fmt.Sprintf("delete of %q", constant.StringVal(k.Value))
								}
							}
						}
					} else if call, ok := rtapi.Resolve(c); ok && call.Func.Pkg() != nil &&
						call.Func.Pkg().Path() == "maps" && mapWriters[call.Func.Name()] && len(call.Args) > 0 {
						target, what = call.Args[0], "maps."+call.Func.Name()
					}
					if target != nil && t.Derives(target) {
						r.Reportf(src.Start(c.Pos()), "this %s never reaches the job: the map %s() returns is %s; %s", what, source, copyOf(source), advice)
					}
					if fn, arg := writtenArg(pass, c, writers, t); arg >= 0 {
						r.Reportf(src.Start(c.Pos()), "%s writes into its argument %d, the map %s() returns: %s, so the write never reaches the job; %s",
							fn.Name(), arg+1, source, copyOf(source), advice)
					}
				}
			}
		}
	}
}

// copyOf says what the map the method source (Data or Metadata) returns
// is a copy of.
func copyOf(source string) string {
	if source == "Metadata" {
		return "a copy of the job's metadata"
	}
	return "a copy of the job's data"
}

// writtenArg returns the callee of c and the index of the first argument
// that the callee writes into (writesParams) and that derives from a
// Data() or Metadata() copy, or -1.
func writtenArg(pass *analysis.Pass, c *ssa.CallCommon, writers map[*types.Func][]int, t *flow.Tracer) (*types.Func, int) {
	callee := c.StaticCallee()
	if callee == nil {
		return nil, -1
	}
	if o := callee.Origin(); o != nil {
		callee = o
	}
	fn, ok := callee.Object().(*types.Func)
	if !ok {
		return nil, -1
	}
	params, ok := writers[fn]
	if !ok {
		var f writesParams
		if fn.Pkg() == pass.Pkg || !pass.ImportObjectFact(fn, &f) {
			return nil, -1
		}
		params = f.Params
	}
	shift := 0
	if fn.Signature().Recv() != nil {
		shift = 1 // SSA passes the receiver first
	}
	for _, i := range params {
		if i+shift < len(c.Args) && t.Derives(c.Args[i+shift]) {
			return fn, i
		}
	}
	return nil, -1
}

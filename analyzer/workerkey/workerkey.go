package workerkey

import (
	_ "embed"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ssa"

	"github.com/routigen/routigen/analyzer/internal/docs"
	"github.com/routigen/routigen/analyzer/internal/rtapi"
	"github.com/routigen/routigen/analyzer/internal/ssabuild"
	"github.com/routigen/routigen/analyzer/internal/suppress"
)

//go:embed doc.go
var doc string

// Analyzer reports worker state keyed by a constant.
var Analyzer = &analysis.Analyzer{
	Name:     "workerkey",
	Doc:      docs.MustExtract(doc, "workerkey"),
	URL:      "https://github.com/routigen/routigen#workerkey",
	Run:      run,
	Requires: []*analysis.Analyzer{ssabuild.Analyzer},
}

const advice = "every routine instance using it shares the state; key by ExecContext.RoutineID, or declare a //routigen:state scope=worker struct"

// keyMethods are the WorkerState methods that take a routine id key.
var keyMethods = []string{"RoutineState", "UpdateRoutineState", "ModifyRoutineState"}

// keyParam is a parameter of a function of this package that ends up as a
// worker state key.
type keyParam struct {
	fn  *ssa.Function
	idx int
}

func run(pass *analysis.Pass) (any, error) {
	r := suppress.New(pass)
	defer r.Finish()
	if rtapi.IsRuntime(pass.Pkg) {
		return nil, nil // the runtime implements and tests these methods
	}
	if !ssabuild.Uses(pass, func(obj types.Object) bool {
		return rtapi.IsMethod(obj, rtapi.WorkerState, keyMethods...)
	}) {
		return nil, nil // skip building SSA
	}
	src := pass.ResultOf[ssabuild.Analyzer].(*ssabuild.Result)
	pos := func(p token.Pos) token.Pos {
		if c := src.Call(p); c != nil {
			return c.Pos()
		}
		return p
	}
	funcs := src.SSA().SrcFuncs

	// Direct uses, and the parameters that flow into keys.
	keyParams := map[keyParam]string{} // -> the method it reaches
	var work []keyParam
	for _, fn := range funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				ci, ok := in.(ssa.CallInstruction)
				if !ok {
					continue
				}
				call, ok := rtapi.Resolve(ci.Common())
				if !ok || len(call.Args) == 0 ||
					!rtapi.IsMethod(call.Func, rtapi.WorkerState, keyMethods...) {
					continue
				}
				key := call.Args[0]
				if k, ok := constKey(key); ok {
					r.Reportf(pos(ci.Common().Pos()), "%s with %s: %s", call.Func.Name(), quote(k), advice)
				} else if p, ok := param(key); ok {
					kp := keyParam{p.Parent(), index(p)}
					if _, seen := keyParams[kp]; !seen {
						keyParams[kp] = call.Func.Name()
						work = append(work, kp)
					}
				}
			}
		}
	}
	if len(keyParams) == 0 {
		return nil, nil
	}

	// Helpers: constants passed to parameters that become keys, found to a
	// fixed point (helpers calling helpers).
	reported := map[token.Pos]bool{}
	for len(work) > 0 {
		work = work[:0]
		for _, fn := range funcs {
			for _, b := range fn.Blocks {
				for _, in := range b.Instrs {
					ci, ok := in.(ssa.CallInstruction)
					if !ok {
						continue
					}
					callee := ci.Common().StaticCallee()
					if callee == nil {
						continue
					}
					for i, arg := range ci.Common().Args {
						method, ok := keyParams[keyParam{callee, i}]
						if !ok {
							continue
						}
						if k, ok := constKey(arg); ok {
							if p := pos(ci.Common().Pos()); !reported[p] {
								reported[p] = true
								r.Reportf(p, "%s passed to %s becomes the key of %s: %s",
									quote(k), callee.Name(), method, advice)
							}
						} else if p, ok := param(arg); ok {
							kp := keyParam{p.Parent(), index(p)}
							if _, seen := keyParams[kp]; !seen {
								keyParams[kp] = method
								work = append(work, kp)
							}
						}
					}
				}
			}
		}
	}
	return nil, nil
}

// constKey returns the constant string v holds: a constant, or a local
// variable (captured by a closure or address-taken) stored exactly once
// with a constant, or one of several constants (a variable assigned a
// constant on every path). keys lists them all, sorted.
func constKey(v ssa.Value) (keys []string, ok bool) {
	set := map[string]bool{}
	if !constKeys(v, set, map[ssa.Value]bool{}, 0) || len(set) == 0 {
		return nil, false
	}
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys, true
}

func constKeys(v ssa.Value, set map[string]bool, seen map[ssa.Value]bool, depth int) bool {
	if depth > 16 {
		return false
	}
	if seen[v] {
		return true // a cycle through a loop adds nothing
	}
	seen[v] = true
	switch x := v.(type) {
	case *ssa.Const:
		if x.Value == nil || x.Value.Kind() != constant.String {
			return false
		}
		set[constant.StringVal(x.Value)] = true
		return true
	case *ssa.ChangeType:
		return constKeys(x.X, set, seen, depth+1)
	case *ssa.Phi:
		for _, e := range x.Edges {
			if !constKeys(e, set, seen, depth+1) {
				return false
			}
		}
		return true
	case *ssa.UnOp:
		if x.Op != token.MUL {
			return false
		}
		a := x.X
		if fv, ok := a.(*ssa.FreeVar); ok {
			a = rtapi.Binding(fv)
		}
		alloc, ok := a.(*ssa.Alloc)
		if !ok {
			return false
		}
		s := rtapi.StoredOnce(alloc)
		if s == nil {
			return false
		}
		return constKeys(s, set, seen, depth+1)
	}
	return false
}

// quote formats the constant keys of a finding.
func quote(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = strconv.Quote(k)
	}
	if len(q) == 1 {
		return "the constant key " + q[0]
	}
	return "a constant key (" + strings.Join(q, " or ") + ")"
}

// param returns the parameter v is, directly or through a conversion.
func param(v ssa.Value) (*ssa.Parameter, bool) {
	for range 8 {
		switch x := v.(type) {
		case *ssa.Parameter:
			return x, true
		case *ssa.ChangeType:
			v = x.X
			continue
		}
		return nil, false
	}
	return nil, false
}

func index(p *ssa.Parameter) int {
	for i, q := range p.Parent().Params {
		if q == p {
			return i
		}
	}
	return -1
}

package workerkey

import (
	_ "embed"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"iter"
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
	k := &keys{r: r, src: src, params: map[keyParam]string{}}
	k.direct()
	for len(k.work) > 0 {
		k.helpers()
	}
	return nil, nil
}

// keys is one package's walk: the parameters found to flow into keys
// (-> the method they reach), those not yet followed into their callers,
// and the helper calls reported.
type keys struct {
	r        *suppress.Reporter
	src      *ssabuild.Result
	params   map[keyParam]string
	work     []keyParam
	reported map[token.Pos]bool
}

// calls yields every call instruction of the package's functions.
func (k *keys) calls() iter.Seq[ssa.CallInstruction] {
	return func(yield func(ssa.CallInstruction) bool) {
		for _, fn := range k.src.SSA().SrcFuncs {
			for _, b := range fn.Blocks {
				for _, in := range b.Instrs {
					if ci, ok := in.(ssa.CallInstruction); ok && !yield(ci) {
						return
					}
				}
			}
		}
	}
}

// pos is the position to report a call at: its source call expression's.
func (k *keys) pos(p token.Pos) token.Pos {
	if c := k.src.Call(p); c != nil {
		return c.Pos()
	}
	return p
}

// follow records that parameter p flows into a key of method.
func (k *keys) follow(p *ssa.Parameter, method string) {
	kp := keyParam{p.Parent(), index(p)}
	if _, seen := k.params[kp]; !seen {
		k.params[kp] = method
		k.work = append(k.work, kp)
	}
}

// direct reports the key methods called with a constant key, and notes
// the parameters passed as keys.
func (k *keys) direct() {
	for ci := range k.calls() {
		call, ok := rtapi.Resolve(ci.Common())
		if !ok || len(call.Args) == 0 ||
			!rtapi.IsMethod(call.Func, rtapi.WorkerState, keyMethods...) {
			continue
		}
		key := call.Args[0]
		if c, ok := constKey(key); ok {
			k.r.Reportf(k.pos(ci.Common().Pos()), "%s with %s: %s", call.Func.Name(), quote(c), advice)
		} else if p, ok := param(key); ok {
			k.follow(p, call.Func.Name())
		}
	}
}

// helpers reports constants passed to parameters that become keys, and
// notes the parameters passed on to them: one round of the fixed point
// (helpers calling helpers).
func (k *keys) helpers() {
	k.work = k.work[:0]
	if k.reported == nil {
		k.reported = map[token.Pos]bool{}
	}
	for ci := range k.calls() {
		callee := ci.Common().StaticCallee()
		if callee == nil {
			continue
		}
		for i, arg := range ci.Common().Args {
			method, ok := k.params[keyParam{callee, i}]
			if !ok {
				continue
			}
			if c, ok := constKey(arg); ok {
				if p := k.pos(ci.Common().Pos()); !k.reported[p] {
					k.reported[p] = true
					k.r.Reportf(p, "%s passed to %s becomes the key of %s: %s",
						quote(c), k.calleeName(ci.Common().Pos(), callee), method, advice)
				}
			} else if p, ok := param(arg); ok {
				k.follow(p, method)
			}
		}
	}
}

// calleeName names the helper a call at pos calls as the source does: a
// function literal has only SSA's name (f$1), which the source never
// spells, so it is named by the call (get("x") calls get).
func (k *keys) calleeName(pos token.Pos, callee *ssa.Function) string {
	if callee.Parent() == nil {
		return callee.Name()
	}
	if call := k.src.Call(pos); call != nil {
		if _, lit := ast.Unparen(call.Fun).(*ast.FuncLit); !lit {
			return types.ExprString(call.Fun)
		}
	}
	return "a function literal"
}

// constKey returns the constant string v holds: a constant, or a local
// variable (captured by a closure) stored only with constants, or one of
// several constants (a variable assigned a constant on every path). keys lists them all, sorted.
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
		vals, ok := rtapi.Stored(alloc)
		if !ok || len(vals) == 0 {
			return false
		}
		for _, s := range vals {
			if !constKeys(s, set, seen, depth+1) {
				return false
			}
		}
		return true
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

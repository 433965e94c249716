package nilfallback

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/ctrlflow"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ssa"

	"github.com/routigen/routigen/analyzer/internal/accessors"
	"github.com/routigen/routigen/analyzer/internal/docs"
	"github.com/routigen/routigen/analyzer/internal/lookup"
	"github.com/routigen/routigen/analyzer/internal/rtapi"
	"github.com/routigen/routigen/analyzer/internal/ssabuild"
	"github.com/routigen/routigen/analyzer/internal/suppress"
)

//go:embed doc.go
var docSource string

// Analyzer is the nilfallback check.
var Analyzer = &analysis.Analyzer{
	Name:      "nilfallback",
	Doc:       docs.MustExtract(docSource, "nilfallback"),
	URL:       "https://github.com/routigen/routigen#nilfallback",
	Run:       run,
	Requires:  []*analysis.Analyzer{accessors.Analyzer, ctrlflow.Analyzer, inspect.Analyzer, ssabuild.Analyzer},
	FactTypes: []analysis.Fact{new(helperFact), new(alwaysErrFact), new(logsOnly)},
}

// helperFact marks a function that returns the results of a context lookup
// (its value, and its ok or error when StatusIndex >= 0) and handles the
// missing case only by handing it to its caller. Callers treat its calls as
// lookups.
type helperFact struct{ Callee lookup.Callee }

// AFact marks helperFact as a fact.
func (*helperFact) AFact() {}

func (f *helperFact) String() string { return "lookup helper of " + f.Callee.Base }

// alwaysErrFact marks a function whose error result is non-nil on every
// path (it builds the error for a missing job, say): returning its result
// fails.
type alwaysErrFact struct{}

// AFact marks alwaysErrFact as a fact.
func (*alwaysErrFact) AFact() {}

func (*alwaysErrFact) String() string { return "always returns a non-nil error" }

type checker struct {
	pass      *analysis.Pass
	env       *lookup.Env
	helpers   map[*ssa.Function]lookup.Callee
	helperObj map[*types.Func]lookup.Callee
	alwaysErr map[*ssa.Function]bool
	src       *ssabuild.Result // SSA, and the syntax of SSA positions
	logsOnly  map[*types.Func][]int
}

func run(pass *analysis.Pass) (any, error) {
	c := &checker{
		pass:      pass,
		helpers:   map[*ssa.Function]lookup.Callee{},
		helperObj: map[*types.Func]lookup.Callee{},
		alwaysErr: map[*ssa.Function]bool{},
		src:       pass.ResultOf[ssabuild.Analyzer].(*ssabuild.Result),
	}
	acc := pass.ResultOf[accessors.Analyzer].(*accessors.Result)
	c.env = &lookup.Env{Accessors: acc, Helper: c.helper, AlwaysErr: c.isAlwaysErr, OnlyLogs: c.onlyLogsSSA}
	r := suppress.New(pass)
	defer r.Finish()
	path := strings.TrimSuffix(pass.Pkg.Path(), "_test")
	if path == rtapi.Path || strings.HasPrefix(path, rtapi.Path+"/") {
		return nil, nil // the runtime implements (and tests) the lookups
	}
	c.exportLogsOnly()
	if !c.mayLookUp(acc) {
		// No lookup can occur here: skip building SSA (most of the cost),
		// but still tell importers which functions build errors.
		c.syntacticAlwaysErr()
		return nil, nil
	}
	funcs := c.src.SSA().SrcFuncs
	// Functions whose error is never nil, to a fixed point.
	for changed := true; changed; {
		changed = false
		for _, fn := range funcs {
			if c.alwaysErr[fn] || !returnsError(fn) {
				continue
			}
			if out := c.env.Walk(fn, nil, lookup.Present); out.Fails && out.Returns {
				c.alwaysErr[fn] = true
				changed = true
			}
		}
	}
	// Helpers that return a lookup's results, to a fixed point.
	for changed := true; changed; {
		changed = false
		for _, fn := range funcs {
			if _, done := c.helpers[fn]; done {
				continue
			}
			if h, ok := c.helperOf(fn); ok {
				c.helpers[fn] = h
				if obj, ok := fn.Object().(*types.Func); ok && fn.Parent() == nil {
					c.helperObj[obj] = h
				}
				changed = true
			}
		}
	}
	for _, fn := range funcs {
		obj, ok := fn.Object().(*types.Func)
		if !ok || fn.Parent() != nil || fn.Synthetic != "" {
			continue
		}
		if h, ok := c.helpers[fn]; ok {
			pass.ExportObjectFact(obj, &helperFact{Callee: h})
		}
		if c.alwaysErr[fn] {
			pass.ExportObjectFact(obj, new(alwaysErrFact))
		}
	}

	for _, fn := range funcs {
		if f := c.src.File(fn.Pos()); f != nil && suppress.Generated(f) {
			continue // never reported: skip the work
		}
		for _, l := range c.env.Find(fn) {
			if d, ok := c.check(fn, l); ok {
				r.Report(d)
			}
		}
	}
	return nil, nil
}

func returnsError(fn *ssa.Function) bool {
	res := fn.Signature.Results()
	return res.Len() > 0 && types.Identical(res.At(res.Len()-1).Type(), types.Universe.Lookup("error").Type())
}

func (c *checker) isAlwaysErr(fn *ssa.Function) bool {
	if c.alwaysErr[fn] {
		return true
	}
	if obj, ok := fn.Object().(*types.Func); ok && obj.Pkg() != c.pass.Pkg {
		return c.pass.ImportObjectFact(obj, new(alwaysErrFact))
	}
	return false
}

func (c *checker) helper(fn *ssa.Function) (lookup.Callee, bool) {
	if h, ok := c.helpers[fn]; ok {
		return h, true
	}
	obj, ok := fn.Object().(*types.Func) // also the method of a bound method value
	if !ok {
		return lookup.Callee{}, false
	}
	if h, ok := c.helperObj[obj]; ok {
		return h, true
	}
	if obj.Pkg() != c.pass.Pkg {
		var f helperFact
		if c.pass.ImportObjectFact(obj, &f) {
			return f.Callee, true
		}
	}
	return lookup.Callee{}, false
}

// helperOf reports whether fn returns the results of one of its lookups,
// handing the missing case to its caller on every path.
func (c *checker) helperOf(fn *ssa.Function) (lookup.Callee, bool) {
	res := fn.Signature.Results()
	for _, l := range c.env.Find(fn) {
		vp := lookup.ValuePositions(fn, l)
		vi := -1
		for i, ok := range vp {
			if ok {
				vi = i
				break
			}
		}
		if vi < 0 {
			continue
		}
		// Every way out of the missing case must fail, and some must return:
		// a function that panics or stops when the job is missing is
		// fail-fast itself, and what it returns is never missing.
		if out := c.env.Walk(fn, l, lookup.Missing); !out.Fails || !out.Returns {
			continue
		}
		h := lookup.Callee{
			Kind: l.Callee.Kind, Name: funcName(fn), ValueIndex: vi, StatusIndex: -1,
			Helper: true, Base: l.Callee.Name, Results: res.Len(),
		}
		if l.Callee.Helper {
			h.Base = l.Callee.Base
		}
		if last := res.Len() - 1; last != vi {
			t := res.At(last).Type()
			if types.Identical(t, types.Universe.Lookup("error").Type()) {
				h.StatusIndex, h.StatusErr = last, true
			} else if b, ok := t.Underlying().(*types.Basic); ok && b.Kind() == types.Bool {
				h.StatusIndex = last
			}
		}
		return h, true
	}
	return lookup.Callee{}, false
}

func funcName(fn *ssa.Function) string {
	if obj, ok := fn.Object().(*types.Func); ok && fn.Parent() == nil {
		if recv := obj.Signature().Recv(); recv != nil {
			t := recv.Type()
			if p, ok := t.(*types.Pointer); ok {
				t = p.Elem()
			}
			if n, ok := types.Unalias(t).(*types.Named); ok {
				return n.Obj().Name() + "." + obj.Name()
			}
		}
		return obj.Name()
	}
	return fn.Name()
}

// check decides about one lookup.
func (c *checker) check(fn *ssa.Function, l *lookup.Lookup) (analysis.Diagnostic, bool) {
	if l.Escapes() {
		return analysis.Diagnostic{}, false
	}
	call := c.src.Call(l.Call.Pos())
	if call == nil {
		return analysis.Diagnostic{}, false
	}
	missing := c.env.Walk(fn, l, lookup.Missing)
	if missing.Fails {
		return c.checkRoutineID(fn, l, call)
	}
	if c.env.Walk(fn, l, lookup.Present).Fails {
		return analysis.Diagnostic{}, false // the present case is the failing one
	}
	name := c.name(l, call)
	d := analysis.Diagnostic{Pos: call.Pos(), End: call.End()}
	what := "ok"
	if l.Callee.StatusErr {
		what = "error"
	}
	switch {
	case len(missing.Tests) == 0 && l.Discarded():
		d.Message = fmt.Sprintf("the %s of %s is discarded, so code carries on when %s; fail fast: %s",
			what, name, l.Callee.Missing(), l.Callee.FailFast())
		d.SuggestedFixes = c.fix(fn, l, call)
	case len(missing.Tests) == 0:
		d.Message = fmt.Sprintf("the result of %s is used without testing for %s; fail fast: %s",
			name, l.Callee.MissingNoun(), l.Callee.FailFast())
	default:
		test := missing.Tests[0]
		how := "falls back"
		if l.Skips(test) {
			how = "silently skips the work"
		}
		d.Message = fmt.Sprintf("%s %s when %s; fail fast: %s",
			name, how, l.Callee.Missing(), l.Callee.FailFast())
		if p := c.src.Start(test.Cond.Pos()); p.IsValid() {
			d.Related = []analysis.RelatedInformation{{Pos: p, Message: "the missing case is tested here, and " + how}}
		}
		d.SuggestedFixes = c.returnFix(fn, l, call)
	}
	return d, true
}

// name names the lookup's callee for messages: a function literal (whose
// SSA name, f$1, the source never spells) as the call does (lookup()).
func (c *checker) name(l *lookup.Lookup, call *ast.CallExpr) string {
	name := l.Callee.Name
	if strings.Contains(name, "$") {
		name = "a function literal"
		if _, lit := ast.Unparen(call.Fun).(*ast.FuncLit); !lit {
			name = types.ExprString(call.Fun)
		}
	}
	if callee := l.Call.Call.StaticCallee(); callee != nil && l.Callee.Kind != 0 && !strings.HasPrefix(name, "runtime.") {
		if obj, ok := callee.Object().(*types.Func); ok && obj.Pkg() != nil && obj.Pkg() != c.pass.Pkg {
			name = obj.Pkg().Name() + "." + name
		}
	}
	if l.Callee.Helper {
		name = fmt.Sprintf("%s (which returns %s)", name, l.Callee.Base)
	}
	return name
}

// checkRoutineID decides about the tests of an empty RoutineID after a
// lookup whose other missing cases fail: each is a missing case of its own
// (see lookup.Lookup.RoutineIDTests), reported when its empty branch
// carries on and its non-empty one does not fail either.
func (c *checker) checkRoutineID(fn *ssa.Function, l *lookup.Lookup, call *ast.CallExpr) (analysis.Diagnostic, bool) {
	for _, test := range l.RoutineIDTests() {
		if c.env.WalkFrom(fn, l, lookup.Missing, test).Fails || c.env.WalkFrom(fn, l, lookup.Present, test).Fails {
			continue
		}
		how := "falls back"
		if l.Skips(test) {
			how = "silently skips the work"
		}
		d := analysis.Diagnostic{Pos: call.Pos(), End: call.End(),
			Message: fmt.Sprintf("%s %s when its RoutineID is empty; fail fast: return an error when RoutineID is empty, or drop the test (a found routine activation always has one)",
				c.name(l, call), how)}
		if p := c.src.Start(test.Cond.Pos()); p.IsValid() {
			d.Related = []analysis.RelatedInformation{{Pos: p, Message: "the empty RoutineID is tested here, and " + how}}
		}
		return d, true
	}
	return analysis.Diagnostic{}, false
}

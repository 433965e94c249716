// Package accessors recognises the accessors routigen generates, in the
// package being analysed and in every package it imports.
//
// # Why facts
//
// A check such as nilfallback must know that pkg.LoopStateOf is a context
// lookup even when pkg is a dependency, whose source (and so whose
// //routigen:state directive) the analysis of the importing package never
// sees. Two designs were possible: a marker the generator emits into the
// accessor types (a field or method the type checker can see through export
// data), or analysis facts. Facts won: they come from the same directive
// parser the generator uses (internal/directive), so the checks recognise
// exactly what routigen generates — with scope and sharing mode — and a
// hand-written function that merely looks like an accessor is not mistaken
// for one. Facts travel through every driver routigen supports: the
// standalone checker, go vet's unitchecker and golangci-lint.
package accessors

import (
	"go/types"
	"reflect"

	"golang.org/x/tools/go/analysis"

	"github.com/routigen/routigen/internal/directive"
)

// Analyzer exports a Fact on every generated TOf function and TAccessor type
// and returns a *Result that answers for this package and its dependencies.
var Analyzer = &analysis.Analyzer{
	Name:       "routigenaccessors",
	Doc:        "recognise routigen-generated state accessors (a helper for the other checks; reports nothing)",
	Run:        run,
	FactTypes:  []analysis.Fact{new(Fact)},
	ResultType: reflect.TypeFor[*Result](),
}

// Fact describes one generated accessor function or type.
type Fact struct {
	StateType string          // the annotated type's name, T
	Scope     directive.Scope // job or worker
	Shared    bool
}

// AFact marks Fact as an analysis fact.
func (*Fact) AFact() {}

func (f *Fact) String() string {
	s := "routigen state " + f.StateType + " scope=" + string(f.Scope)
	if f.Shared {
		s += " shared"
	}
	return s
}

// Concurrent reports whether concurrent activations share the state:
// worker-scope state is shared by every job on the worker, and shared state
// by every routine of the job or worker.
func (f *Fact) Concurrent() bool { return f.Scope == directive.ScopeWorker || f.Shared }

// Result answers which objects are generated accessors.
type Result struct {
	facts map[types.Object]*Fact
}

// Of returns the fact of fn when fn is a generated TOf function.
func (r *Result) Of(fn *types.Func) (*Fact, bool) {
	if fn == nil {
		return nil, false
	}
	f, ok := r.facts[fn]
	return f, ok
}

// Accessor returns the fact of t (or *t) when it is a generated TAccessor.
func (r *Result) Accessor(t types.Type) (*Fact, bool) {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return nil, false
	}
	f, ok := r.facts[n.Obj()]
	return f, ok
}

func run(pass *analysis.Pass) (any, error) {
	scope := pass.Pkg.Scope()
	for _, file := range pass.Files {
		for _, st := range directive.ParseFile(file).States {
			names := directive.NamesFor(st.Spec.Name.Name)
			fact := &Fact{StateType: st.Spec.Name.Name, Scope: st.Scope, Shared: st.Shared}
			if fn, ok := scope.Lookup(names.Of).(*types.Func); ok && looksGenerated(fn) {
				pass.ExportObjectFact(fn, fact)
			}
			if tn, ok := scope.Lookup(names.Accessor).(*types.TypeName); ok {
				pass.ExportObjectFact(tn, fact)
			}
		}
	}
	res := &Result{facts: map[types.Object]*Fact{}}
	for _, of := range pass.AllObjectFacts() {
		if f, ok := of.Fact.(*Fact); ok {
			res.facts[of.Object] = f
		}
	}
	return res, nil
}

// looksGenerated checks TOf's signature, func(context.Context) (TAccessor, error),
// so a stale hand-written function of the same name is not taken for a lookup.
func looksGenerated(fn *types.Func) bool {
	sig := fn.Signature()
	return sig.Recv() == nil && sig.Params().Len() == 1 && sig.Results().Len() == 2 &&
		types.Identical(sig.Results().At(1).Type(), types.Universe.Lookup("error").Type())
}

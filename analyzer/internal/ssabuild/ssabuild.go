// Package ssabuild builds a package in SSA form for routigen's checks, once
// and only when one of them asks.
//
// It replaces golang.org/x/tools/go/analysis/passes/buildssa, which builds
// SSA for every package it runs on. Most packages a check runs on never
// touch the runtime API, and building SSA is the larger part of a check's
// cost; SPEC §5 wants `go vet -vettool=routigen` no slower than plain go vet.
// So the Analyzer's result is lazy: a check first looks, cheaply, for the
// runtime methods it is about (Uses), and calls SSA only when it finds one.
// The build is shared by every check of the package that asks.
package ssabuild

import (
	"go/ast"
	"go/types"
	"reflect"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/analysis/passes/ctrlflow"
	"golang.org/x/tools/go/ssa"
)

// Analyzer returns a *Result; it reports nothing and builds nothing by
// itself.
var Analyzer = &analysis.Analyzer{
	Name:       "routigenssa",
	Doc:        "build SSA lazily for the routigen checks (a helper; reports nothing)",
	Run:        run,
	Requires:   []*analysis.Analyzer{ctrlflow.Analyzer},
	ResultType: reflect.TypeFor[*Result](),
}

// Result builds the package's SSA on the first call of SSA.
type Result struct {
	pass *analysis.Pass
	once sync.Once
	ssa  *buildssa.SSA

	syntaxOnce sync.Once
	syntax     *syntax
}

func run(pass *analysis.Pass) (any, error) {
	return &Result{pass: pass}, nil
}

// SSA returns the package in SSA form and its source functions, function
// literals included, as buildssa does. It is safe for concurrent use.
func (r *Result) SSA() *buildssa.SSA {
	r.once.Do(func() { r.ssa = build(r.pass) })
	return r.ssa
}

// Uses reports whether the package uses (calls, or takes the method value
// of) any object for which match is true.
func Uses(pass *analysis.Pass, match func(types.Object) bool) bool {
	seen := map[types.Object]bool{}
	for _, obj := range pass.TypesInfo.Uses {
		if seen[obj] {
			continue
		}
		seen[obj] = true
		if match(obj) {
			return true
		}
	}
	return false
}

func build(pass *analysis.Pass) *buildssa.SSA {
	prog := ssa.NewProgram(pass.Fset, 0)
	prog.SetNoReturn(pass.ResultOf[ctrlflow.Analyzer].(*ctrlflow.CFGs).NoReturn)
	for _, p := range pass.Pkg.Imports() {
		prog.CreatePackage(p, nil, nil, true)
	}
	pkg := prog.CreatePackage(pass.Pkg, pass.Files, pass.TypesInfo, false)
	pkg.Build()

	var funcs []*ssa.Function
	var add func(f *ssa.Function)
	add = func(f *ssa.Function) {
		funcs = append(funcs, f)
		for _, anon := range f.AnonFuncs {
			add(anon)
		}
	}
	for _, file := range pass.Files {
		for _, decl := range file.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok {
				if obj, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					if f := prog.FuncValue(obj); f != nil {
						add(f)
					}
				}
			}
		}
	}
	// Package-level variable initializers and their function literals.
	if init := pkg.Func("init"); init != nil {
		add(init)
	}
	return &buildssa.SSA{Pkg: pkg, SrcFuncs: funcs}
}

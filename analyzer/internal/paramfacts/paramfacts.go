// Package paramfacts finds, from syntax alone, the functions of a package
// that do something particular with one of their parameters: write into a
// map parameter (jobdata), only log an error or bool parameter
// (nilfallback), call a setter parameter with a getter parameter's result
// (lostupdate). Each check keeps its own unexported fact type, as x/tools'
// printf keeps its wrapper facts; this package is the walk they share.
//
// # Why syntax
//
// The walks run on every package the checks see, most of which never touch
// routigen: reading the syntax the pass already holds costs nothing, where
// an SSA program per helper package would.
//
// # Fixed point
//
// Whether a function does the thing to a parameter can depend on whether
// another function of the package does it to its own (a writer that passes
// its map on to another writer). Fixpoint therefore repeats until no mark
// is added; marks only grow, so it ends.
package paramfacts

import (
	"go/ast"
	"go/types"
	"iter"
	"slices"

	"golang.org/x/tools/go/analysis"
)

// Funcs yields every function or method declared with a body in the
// package, with its declaration.
func Funcs(pass *analysis.Pass) iter.Seq2[*types.Func, *ast.FuncDecl] {
	return func(yield func(*types.Func, *ast.FuncDecl) bool) {
		for _, f := range pass.Files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
				if ok && !yield(fn, fd) {
					return
				}
			}
		}
	}
}

// Param is one parameter of a function declared in the package.
type Param struct {
	Fn    *types.Func
	Body  *ast.BlockStmt
	Var   *types.Var
	Index int // in the signature's parameters, receiver excluded
}

// Params returns the parameters, of the package's declared functions,
// that keep accepts.
func Params(pass *analysis.Pass, keep func(fd *ast.FuncDecl, v *types.Var) bool) []Param {
	var out []Param
	for fn, fd := range Funcs(pass) {
		ps := fn.Signature().Params()
		for i := range ps.Len() {
			if keep(fd, ps.At(i)) {
				out = append(out, Param{Fn: fn, Body: fd.Body, Var: ps.At(i), Index: i})
			}
		}
	}
	return out
}

// Marked reports whether the i'th parameter of fn carries the mark.
type Marked func(fn *types.Func, i int) bool

// Fixpoint marks the params for which holds reports true, repeating until
// no mark is added, and returns the marks: each function's marked
// parameter indices, sorted. holds may ask, through its Marked, about any
// function: this package's functions by the marks so far, other packages'
// by imported, which returns the indices their fact carries (nil for
// none).
func Fixpoint(pass *analysis.Pass, params []Param, imported func(*types.Func) []int, holds func(Param, Marked) bool) map[*types.Func][]int {
	marks := map[*types.Func][]int{}
	marked := func(fn *types.Func, i int) bool {
		if idx, ok := marks[fn]; ok {
			return slices.Contains(idx, i)
		}
		return fn.Pkg() != pass.Pkg && slices.Contains(imported(fn), i)
	}
	for changed := true; changed; {
		changed = false
		for _, p := range params {
			if slices.Contains(marks[p.Fn], p.Index) || !holds(p, marked) {
				continue
			}
			marks[p.Fn] = append(marks[p.Fn], p.Index)
			slices.Sort(marks[p.Fn])
			changed = true
		}
	}
	return marks
}

package gen

import (
	"go/types"
	"strconv"

	"github.com/dave/jennifer/jen"
)

// copyPlan answers, for the types of one package, what a deep copy must
// do: which types hold a slice or map the copy must not share
// (needsDeep), and which it cannot copy that deeply (problem). Validation
// and rendering share it, so a field that passes validation renders.
type copyPlan struct {
	path     string // the package's import path
	deep     map[types.Type]bool
	problems map[types.Type]string
}

func newCopyPlan(path string) *copyPlan {
	return &copyPlan{path: path, deep: map[types.Type]bool{}, problems: map[types.Type]string{}}
}

// needsDeep reports whether a copy of a value of type t can share a slice
// or map with the original: t holds a slice or map directly or through
// arrays and the reachable fields of structs. Pointers, interfaces, funcs
// and channels are not followed.
func (c *copyPlan) needsDeep(t types.Type) bool {
	return c.holds(t, c.reachable, map[types.Type]bool{})
}

// holds reports whether t holds a slice or map through arrays and the
// struct fields that follow accepts.
func (c *copyPlan) holds(t types.Type, follow func(*types.Var) bool, onStack map[types.Type]bool) bool {
	t = types.Unalias(t)
	cache := follow != nil && len(onStack) == 0
	if v, ok := c.deep[t]; ok && cache {
		return v
	}
	if onStack[t] {
		return false // a cycle adds nothing the rest of the walk does not see
	}
	onStack[t] = true
	defer delete(onStack, t)
	var v bool
	switch u := t.Underlying().(type) {
	case *types.Slice, *types.Map:
		v = true
	case *types.Array:
		v = c.holds(u.Elem(), follow, onStack)
	case *types.Struct:
		for f := range u.Fields() {
			if (follow == nil || follow(f)) && c.holds(f.Type(), follow, onStack) {
				v = true
				break
			}
		}
	}
	if cache {
		c.deep[t] = v // only complete answers are cached
	}
	return v
}

// reachable reports whether the generated code may select field f.
func (c *copyPlan) reachable(f *types.Var) bool {
	return f.Exported() || isLocal(f, c.path)
}

// nameable reports whether the generated code may name type n.
func (c *copyPlan) nameable(n *types.Named) bool {
	return n.Obj().Exported() || isLocal(n.Obj(), c.path)
}

// problem says why a value of type t cannot be copied so that the copy
// shares no slice or map with it, or is "": a field the code cannot
// select holds one (an unexported field of another package's type), or a
// recursive type the code cannot name (an unexported type of another
// package) holds one, and only a named helper could walk it.
func (c *copyPlan) problem(t types.Type) string {
	if !c.needsDeep(t) && !c.holds(t, nil, map[types.Type]bool{}) {
		return ""
	}
	return c.problemOn(t, nil)
}

func (c *copyPlan) problemOn(t types.Type, stack []*types.Named) string {
	t = types.Unalias(t)
	if n, ok := t.(*types.Named); ok {
		if why, ok := c.problems[n]; ok && len(stack) == 0 {
			return why
		}
		for _, s := range stack {
			if types.Identical(s, n) {
				if c.needsDeep(n) && !c.nameable(n) {
					return "it holds " + qualified(n) + ", a recursive type unexported in package " + n.Obj().Pkg().Path() + " that routigen cannot name to copy"
				}
				return ""
			}
		}
		stack = append(stack, n)
		why := c.problemUnder(n, stack)
		if len(stack) == 1 {
			c.problems[n] = why
		}
		return why
	}
	return c.problemUnder(t, stack)
}

func (c *copyPlan) problemUnder(t types.Type, stack []*types.Named) string {
	switch u := t.Underlying().(type) {
	case *types.Slice:
		return c.problemOn(u.Elem(), stack)
	case *types.Map:
		return c.problemOn(u.Elem(), stack)
	case *types.Array:
		return c.problemOn(u.Elem(), stack)
	case *types.Struct:
		for f := range u.Fields() {
			if !c.reachable(f) {
				if c.holds(f.Type(), nil, map[types.Type]bool{}) {
					return "it holds the unexported field " + f.Name() + " of " + types.TypeString(t, (*types.Package).Name) + ", which holds a slice or map that routigen cannot reach to copy"
				}
				continue
			}
			if why := c.problemOn(f.Type(), stack); why != "" {
				return why
			}
		}
	}
	return ""
}

func qualified(n *types.Named) string {
	return n.Obj().Pkg().Name() + "." + n.Obj().Name()
}

// deepener emits the statements that make a variable own every slice and
// map it holds. Recursive types go through local closures.
type deepener struct {
	r        *renderer
	depth    int
	stack    []types.Type          // named types being expanded inline
	closures map[types.Type]string // recursive named type -> closure name
	order    []types.Type
}

// deepen returns statements that replace, in the addressable expression x
// of type t, every slice and map by a copy (recursively), so that x shares
// none with the value it was copied from.
func (r *renderer) deepen(x *jen.Statement, t types.Type) []jen.Code {
	if !r.plan.needsDeep(t) {
		return nil
	}
	d := &deepener{r: r, closures: map[types.Type]string{}}
	body := d.emit(x, t)
	// Closures for recursive types. Emitting a closure body can discover
	// further recursive types, and closures call each other in any
	// order: every variable is declared before the first is assigned.
	var decls, defs []jen.Code
	for i := 0; i < len(d.order); i++ {
		nt := d.order[i]
		name := d.closures[nt]
		p := r.local("p" + strconv.Itoa(i))
		inner := &deepener{r: r, closures: d.closures, stack: []types.Type{nt}, depth: d.depth + 1}
		fb := inner.emitUnder(jen.Parens(jen.Op("*").Id(p)), nt)
		d.order = append(d.order, inner.order...)
		d.depth = inner.depth
		decls = append(decls, jen.Var().Id(name).Func().Params(jen.Op("*").Add(r.typ(nt))))
		defs = append(defs, jen.Id(name).Op("=").Func().Params(jen.Id(p).Op("*").Add(r.typ(nt))).Block(fb...))
	}
	return append(append(decls, defs...), body...)
}

func (d *deepener) emit(x *jen.Statement, t types.Type) []jen.Code {
	t = types.Unalias(t)
	if !d.r.plan.needsDeep(t) {
		return nil
	}
	if n, ok := t.(*types.Named); ok {
		for _, s := range d.stack {
			if types.Identical(s, n) {
				name, ok := d.closures[n]
				if !ok {
					// copyPlan.problem rejects the fields where n
					// cannot be named.
					name = d.r.local("deepen" + strconv.Itoa(len(d.closures)))
					d.closures[n] = name
					d.order = append(d.order, n)
				}
				return []jen.Code{jen.Id(name).Call(jen.Op("&").Add(x.Clone()))}
			}
		}
		d.stack = append(d.stack, n)
		defer func() { d.stack = d.stack[:len(d.stack)-1] }()
	}
	return d.emitUnder(x, t)
}

// emitUnder expands t's underlying type.
func (d *deepener) emitUnder(x *jen.Statement, t types.Type) []jen.Code {
	r := d.r
	switch u := t.Underlying().(type) {
	case *types.Slice:
		out := []jen.Code{x.Clone().Op("=").Add(r.qualPath("slices", "slices", "Clone")).Call(x.Clone())}
		if r.plan.needsDeep(u.Elem()) {
			i := r.local("i" + strconv.Itoa(d.depth))
			d.depth++
			inner := d.emit(x.Clone().Index(jen.Id(i)), u.Elem())
			d.depth--
			out = append(out, jen.For(jen.Id(i).Op(":=").Range().Add(x.Clone())).Block(inner...))
		}
		return out
	case *types.Map:
		out := []jen.Code{x.Clone().Op("=").Add(r.qualPath("maps", "maps", "Clone")).Call(x.Clone())}
		if r.plan.needsDeep(u.Elem()) {
			k, e := r.local("k"+strconv.Itoa(d.depth)), r.local("e"+strconv.Itoa(d.depth))
			d.depth++
			inner := d.emit(jen.Id(e), u.Elem())
			d.depth--
			inner = append(inner, x.Clone().Index(jen.Id(k)).Op("=").Id(e))
			out = append(out, jen.For(jen.List(jen.Id(k), jen.Id(e)).Op(":=").Range().Add(x.Clone())).Block(inner...))
		}
		return out
	case *types.Array:
		i := r.local("i" + strconv.Itoa(d.depth))
		d.depth++
		inner := d.emit(x.Clone().Index(jen.Id(i)), u.Elem())
		d.depth--
		return []jen.Code{jen.For(jen.Id(i).Op(":=").Range().Add(x.Clone())).Block(inner...)}
	case *types.Struct:
		var out []jen.Code
		for f := range u.Fields() {
			if !r.plan.reachable(f) {
				continue
			}
			out = append(out, d.emit(x.Clone().Dot(f.Name()), f.Type())...)
		}
		return out
	}
	return nil
}

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
	path     string                 // the package's import path
	holding  [3]map[types.Type]bool // per walk: answers of holds
	problems map[types.Type]string
	cyclic   map[*types.Named]bool // answers of recursive
}

func newCopyPlan(path string) *copyPlan {
	c := &copyPlan{path: path, problems: map[types.Type]string{}, cyclic: map[*types.Named]bool{}}
	for i := range c.holding {
		c.holding[i] = map[types.Type]bool{}
	}
	return c
}

// walk says which edges holds follows from a type to the types it holds.
type walk int

const (
	// walkCopy follows what the copy follows: arrays, slices, maps,
	// pointers and the reachable fields of structs.
	walkCopy walk = iota
	// walkAll follows every field and pointer: does anything below hold
	// a slice or map at all.
	walkAll
	// walkValue follows every field but no pointer: what an unreachable
	// field holds by value. Pointers in fields the code cannot select
	// (time.Time's location) are not followed: the copy shares them.
	walkValue
)

// needsDeep reports whether a copy of a value of type t can share a slice
// or map with the original: t holds a slice or map directly or through
// arrays, pointers and the reachable fields of structs. Interfaces, funcs
// and channels are not followed.
func (c *copyPlan) needsDeep(t types.Type) bool {
	return c.holds(t, walkCopy, nil)
}

// holds reports whether a slice or map is reachable from t along the
// edges of w. It is graph reachability, so one walk marks each type once;
// only the answer for the walk's root is complete enough to cache.
func (c *copyPlan) holds(t types.Type, w walk, seen map[types.Type]bool) bool {
	t = types.Unalias(t)
	root := seen == nil
	if root {
		if v, ok := c.holding[w][t]; ok {
			return v
		}
		seen = map[types.Type]bool{}
	}
	if seen[t] {
		return false // already walked (or being walked) in this walk
	}
	seen[t] = true
	var v bool
	switch u := t.Underlying().(type) {
	case *types.Slice, *types.Map:
		v = true
	case *types.Array:
		v = c.holds(u.Elem(), w, seen)
	case *types.Pointer:
		v = w != walkValue && c.holds(u.Elem(), w, seen)
	case *types.Struct:
		for f := range u.Fields() {
			if f.Name() == "_" {
				continue // see reachable
			}
			if (w != walkCopy || c.reachable(f)) && c.holds(f.Type(), w, seen) {
				v = true
				break
			}
		}
	}
	if root {
		c.holding[w][t] = v
	}
	return v
}

// recursive reports whether the deep copy of n meets n again below it:
// n reaches itself along the edges the copy follows.
func (c *copyPlan) recursive(n *types.Named) bool {
	if v, ok := c.cyclic[n]; ok {
		return v
	}
	v := c.needsDeep(n) && c.reaches(n.Underlying(), n, false, map[types.Type]bool{})
	c.cyclic[n] = v
	return v
}

// closes reports whether the copy deepens values of n with a closure: n
// is recursive and the code can name it. The copy calls the closure for
// every value of n it meets, n itself included, and expands every other
// type inline; a recursive type it cannot name is fine as long as each
// of its cycles passes through a type that closes.
func (c *copyPlan) closes(n *types.Named) bool {
	return c.recursive(n) && c.nameable(n)
}

// reaches reports whether target is reachable from t along the edges of
// walkCopy, passing through no type that closes if open.
func (c *copyPlan) reaches(t types.Type, target *types.Named, open bool, seen map[types.Type]bool) bool {
	t = types.Unalias(t)
	if types.Identical(t, target) {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	if n, ok := t.(*types.Named); ok && open && c.closes(n) {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Slice:
		return c.reaches(u.Elem(), target, open, seen)
	case *types.Map:
		return c.reaches(u.Elem(), target, open, seen)
	case *types.Array:
		return c.reaches(u.Elem(), target, open, seen)
	case *types.Pointer:
		return c.reaches(u.Elem(), target, open, seen)
	case *types.Struct:
		for f := range u.Fields() {
			if c.reachable(f) && c.reaches(f.Type(), target, open, seen) {
				return true
			}
		}
	}
	return false
}

// reachable reports whether the generated code may select field f. No
// code can select a blank field (_ [0]func(), padding), and none can set
// one: it is not state.
func (c *copyPlan) reachable(f *types.Var) bool {
	return f.Name() != "_" && (f.Exported() || isLocal(f, c.path))
}

// nameable reports whether the generated code may name type n.
func (c *copyPlan) nameable(n *types.Named) bool {
	return n.Obj().Exported() || isLocal(n.Obj(), c.path)
}

// problem says why a value of type t cannot be copied so that the copy
// shares no slice or map with it, or is "": a field the code cannot
// select holds one by value (an unexported field of another package's
// type), a recursive type the code cannot name (an unexported type of
// another package) holds one, and only a named helper could walk it, or a
// pointer leads to one and the code cannot name its type to copy it.
func (c *copyPlan) problem(t types.Type) string {
	if !c.holds(t, walkAll, nil) {
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
				return "" // walked from where it is on the stack
			}
		}
		if c.recursive(n) && !c.nameable(n) && c.reaches(n.Underlying(), n, true, map[types.Type]bool{}) {
			// The copy expands n inline (it cannot name it for a
			// closure), so it would expand n again and again.
			return "it holds " + qualified(n) + ", a recursive type unexported in package " + n.Obj().Pkg().Path() + " that routigen cannot name to copy"
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
	case *types.Pointer:
		if c.needsDeep(u.Elem()) && !c.expressible(types.NewPointer(u.Elem()), map[types.Type]bool{}) {
			return "it holds " + types.TypeString(t, (*types.Package).Name) + ", a pointer whose type routigen cannot name to copy what it points to"
		}
		return c.problemOn(u.Elem(), stack)
	case *types.Struct:
		for f := range u.Fields() {
			if !c.reachable(f) {
				if f.Name() != "_" && c.holds(f.Type(), walkValue, nil) {
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

// sharedInterface returns the first interface type other than error that
// the copy meets in t (through arrays, slices, maps, pointers and the
// reachable fields of structs), spelled for a message, or "". The copy
// cannot look into an interface value, so a slice or map it holds would
// be shared; errors are immutable by convention, so they may be shared.
func (c *copyPlan) sharedInterface(t types.Type, seen map[types.Type]bool) string {
	t = types.Unalias(t)
	if seen[t] {
		return ""
	}
	seen[t] = true
	var elems []types.Type
	switch u := t.Underlying().(type) {
	case *types.Interface:
		if types.Identical(t, errorType) {
			return ""
		}
		return types.TypeString(t, (*types.Package).Name)
	case *types.Slice:
		elems = append(elems, u.Elem())
	case *types.Map:
		elems = append(elems, u.Key(), u.Elem())
	case *types.Array:
		elems = append(elems, u.Elem())
	case *types.Pointer:
		elems = append(elems, u.Elem())
	case *types.Struct:
		for f := range u.Fields() {
			if c.reachable(f) {
				elems = append(elems, f.Type())
			}
		}
	}
	for _, e := range elems {
		if why := c.sharedInterface(e, seen); why != "" {
			return why
		}
	}
	return ""
}

var errorType = types.Universe.Lookup("error").Type()

// expressible reports whether the generated code can spell type t: every
// named type in it is nameable and every field of a struct literal in it
// selectable.
func (c *copyPlan) expressible(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	switch u := t.(type) {
	case *types.Alias:
		return (u.Obj().Pkg() == nil || u.Obj().Exported() || isLocal(u.Obj(), c.path)) && c.expressibleList(u.TypeArgs(), seen)
	case *types.Named:
		return (u.Obj().Pkg() == nil || c.nameable(u)) && c.expressibleList(u.TypeArgs(), seen)
	case *types.Pointer:
		return c.expressible(u.Elem(), seen)
	case *types.Slice:
		return c.expressible(u.Elem(), seen)
	case *types.Array:
		return c.expressible(u.Elem(), seen)
	case *types.Chan:
		return c.expressible(u.Elem(), seen)
	case *types.Map:
		return c.expressible(u.Key(), seen) && c.expressible(u.Elem(), seen)
	case *types.Struct:
		for f := range u.Fields() {
			if !c.reachable(f) || !c.expressible(f.Type(), seen) {
				return false
			}
		}
	case *types.Signature:
		for _, tup := range []*types.Tuple{u.Params(), u.Results()} {
			for v := range tup.Variables() {
				if !c.expressible(v.Type(), seen) {
					return false
				}
			}
		}
	case *types.Interface:
		for m := range u.ExplicitMethods() {
			if !m.Exported() && !isLocal(m, c.path) || !c.expressible(m.Type(), seen) {
				return false
			}
		}
		for e := range u.EmbeddedTypes() {
			if !c.expressible(e, seen) {
				return false
			}
		}
	}
	return true
}

func (c *copyPlan) expressibleList(l *types.TypeList, seen map[types.Type]bool) bool {
	for t := range l.Types() {
		if !c.expressible(t, seen) {
			return false
		}
	}
	return true
}

func qualified(n *types.Named) string {
	return n.Obj().Pkg().Name() + "." + n.Obj().Name()
}

// deepener emits the statements that make a variable own every slice and
// map it holds. Recursive types go through local closures. Pointers whose
// targets hold a slice or map are replaced by pointers to deepened copies
// of their targets, remembered in one memo per top-level copy (original
// pointer to copy), so a cycle ends and two pointers to one target still
// point to one copy.
type deepener struct {
	r        *renderer
	depth    int
	closures map[types.Type]string // recursive named type -> closure name
	order    []types.Type
	memo     *string // the memo's name, once a pointer needs it
}

// deepen returns statements that replace, in the addressable expression x
// of type t, every slice and map by a copy (recursively), so that x shares
// none with the value it was copied from.
func (r *renderer) deepen(x *jen.Statement, t types.Type) []jen.Code {
	if !r.plan.needsDeep(t) {
		return nil
	}
	d := &deepener{r: r, closures: map[types.Type]string{}, memo: new(string)}
	body := d.emit(x, t)
	// Closures for recursive types. Emitting a closure body can discover
	// further recursive types, and closures call each other in any
	// order: every variable is declared before the first is assigned.
	var decls, defs []jen.Code
	for i := 0; i < len(d.order); i++ {
		nt := d.order[i]
		name := d.closures[nt]
		p := r.local("p" + strconv.Itoa(i))
		inner := &deepener{r: r, closures: d.closures, depth: d.depth + 1, memo: d.memo}
		fb := inner.emitUnder(jen.Parens(jen.Op("*").Id(p)), nt)
		d.order = append(d.order, inner.order...)
		d.depth = inner.depth
		decls = append(decls, jen.Var().Id(name).Func().Params(jen.Op("*").Add(r.typ(nt))))
		defs = append(defs, jen.Id(name).Op("=").Func().Params(jen.Id(p).Op("*").Add(r.typ(nt))).Block(fb...))
	}
	if *d.memo != "" {
		// Made on the first non-nil pointer, so a copy that meets none
		// allocates nothing for it.
		decls = append([]jen.Code{jen.Var().Id(*d.memo).Map(r.anyType()).Add(r.anyType())}, decls...)
	}
	return append(append(decls, defs...), body...)
}

func (d *deepener) emit(x *jen.Statement, t types.Type) []jen.Code {
	t = types.Unalias(t)
	if !d.r.plan.needsDeep(t) {
		return nil
	}
	if n, ok := t.(*types.Named); ok && d.r.plan.closes(n) {
		// One closure per recursive type, not an expansion per path
		// through a web of such types.
		return []jen.Code{jen.Id(d.closure(n)).Call(jen.Op("&").Add(x.Clone()))}
	}
	return d.emitUnder(x, t)
}

// closure returns the name of the closure that deepens values of the
// recursive type n, adding it to the ones deepen defines.
func (d *deepener) closure(n *types.Named) string {
	if name, ok := d.closures[n]; ok {
		return name
	}
	for o, name := range d.closures {
		if types.Identical(o, n) {
			return name // at most one: a name is only added after this
		}
	}
	// copyPlan.problem rejects the fields where n cannot be named.
	name := d.r.local("deepen" + strconv.Itoa(len(d.closures)))
	d.closures[n] = name
	d.order = append(d.order, n)
	return name
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
	case *types.Pointer:
		return d.emitPointer(x, t, u.Elem())
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

// emitPointer points x, of pointer type t, at a deepened copy of its
// target, the one copy the memo holds for that target:
//
//	if o := x; o != nil {
//		if memo == nil { memo = map[any]any{} }
//		if c, ok := memo[o]; ok { x = c.(*E) } else { n := *o; memo[o] = &n; x = &n; deepen n }
//	}
//
// The copy is remembered before it is deepened, so a cycle back to it
// ends there. The memo holds *E even when t is a named pointer type (o is
// converted), so pointers of both types to one target share one copy.
func (d *deepener) emitPointer(x *jen.Statement, t, elem types.Type) []jen.Code {
	r := d.r
	ptr := r.typ(types.NewPointer(elem))
	orig := x.Clone()
	if _, named := t.(*types.Named); named {
		orig = jen.Parens(ptr.Clone()).Call(x.Clone())
	}
	if *d.memo == "" {
		*d.memo = r.local("memo")
	}
	memo := jen.Id(*d.memo)
	sfx := strconv.Itoa(d.depth)
	o, c, n, ok := r.local("o"+sfx), r.local("c"+sfx), r.local("n"+sfx), r.local("ok")
	d.depth++
	inner := d.emit(jen.Id(n), elem)
	d.depth--
	fresh := append([]jen.Code{
		jen.Id(n).Op(":=").Op("*").Id(o),
		memo.Clone().Index(jen.Id(o)).Op("=").Op("&").Id(n),
		x.Clone().Op("=").Op("&").Id(n),
	}, inner...)
	return []jen.Code{jen.If(jen.Id(o).Op(":=").Add(orig), jen.Id(o).Op("!=").Add(r.builtin("nil"))).Block(
		jen.If(memo.Clone().Op("==").Add(r.builtin("nil"))).Block(memo.Clone().Op("=").Map(r.anyType()).Add(r.anyType()).Values()),
		jen.If(jen.List(jen.Id(c), jen.Id(ok)).Op(":=").Add(memo.Clone()).Index(jen.Id(o)), jen.Id(ok)).Block(
			x.Clone().Op("=").Id(c).Assert(ptr),
		).Else().Block(fresh...),
	)}
}

package gen

import (
	"go/types"
	"strconv"

	"github.com/dave/jennifer/jen"
)

// needsDeep reports whether a copy of a value of type t can share a slice
// or map with the original: t holds a slice or map directly or through
// arrays and the reachable fields of structs. Pointers, interfaces, funcs
// and channels are not followed.
func (r *renderer) needsDeep(t types.Type) bool {
	return r.needsDeepSeen(t, map[types.Type]bool{})
}

func (r *renderer) needsDeepSeen(t types.Type, onStack map[types.Type]bool) bool {
	t = types.Unalias(t)
	if v, ok := r.deep[t]; ok {
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
		v = r.needsDeepSeen(u.Elem(), onStack)
	case *types.Struct:
		for i := range u.NumFields() {
			f := u.Field(i)
			if r.reachable(f) && r.needsDeepSeen(f.Type(), onStack) {
				v = true
				break
			}
		}
	}
	if len(onStack) == 1 {
		r.deep[t] = v // only complete answers are cached
	}
	return v
}

// reachable reports whether the generated code may select field f.
func (r *renderer) reachable(f *types.Var) bool {
	return f.Exported() || isLocal(f, r.path)
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
	if !r.needsDeep(t) {
		return nil
	}
	d := &deepener{r: r, closures: map[types.Type]string{}}
	body := d.emit(x, t)
	// Closures for recursive types, defined before use. Emitting a closure
	// body can discover further recursive types.
	var defs []jen.Code
	for i := 0; i < len(d.order); i++ {
		nt := d.order[i]
		name := d.closures[nt]
		p := r.local("p" + strconv.Itoa(i))
		inner := &deepener{r: r, closures: d.closures, stack: []types.Type{nt}, depth: d.depth + 1}
		fb := inner.emitUnder(jen.Parens(jen.Op("*").Id(p)), nt)
		d.order = append(d.order, inner.order...)
		d.depth = inner.depth
		defs = append(defs,
			jen.Var().Id(name).Func().Params(jen.Op("*").Add(r.typ(nt))),
			jen.Id(name).Op("=").Func().Params(jen.Id(p).Op("*").Add(r.typ(nt))).Block(fb...),
		)
	}
	return append(defs, body...)
}

func (d *deepener) emit(x *jen.Statement, t types.Type) []jen.Code {
	t = types.Unalias(t)
	if !d.r.needsDeep(t) {
		return nil
	}
	if n, ok := t.(*types.Named); ok {
		for _, s := range d.stack {
			if types.Identical(s, n) {
				name, ok := d.closures[n]
				if !ok {
					if !n.Obj().Exported() && !isLocal(n.Obj(), d.r.path) {
						return nil // unnameable here: copied as is
					}
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
		if r.needsDeep(u.Elem()) {
			i := r.local("i" + strconv.Itoa(d.depth))
			d.depth++
			inner := d.emit(x.Clone().Index(jen.Id(i)), u.Elem())
			d.depth--
			out = append(out, jen.For(jen.Id(i).Op(":=").Range().Add(x.Clone())).Block(inner...))
		}
		return out
	case *types.Map:
		out := []jen.Code{x.Clone().Op("=").Add(r.qualPath("maps", "maps", "Clone")).Call(x.Clone())}
		if r.needsDeep(u.Elem()) {
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
		for i := range u.NumFields() {
			f := u.Field(i)
			if !r.reachable(f) {
				continue
			}
			out = append(out, d.emit(x.Clone().Dot(f.Name()), f.Type())...)
		}
		return out
	}
	return nil
}

// Package flow answers the data-flow questions the checks ask of a function
// in SSA form: does this value come from that call (Derives), and do these
// two values denote the same variable or expression (Same).
//
// It is intraprocedural with two small extensions: it follows values through
// the free variables of closures (to the variables they capture) and into the
// bodies of helper functions of the package being analysed (a call's result
// derives from what the helper returns, its parameters standing for the
// call's arguments). Variables whose address is taken (or that closures
// capture) are treated flow-insensitively: a load may yield any value stored.
package flow

import (
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/routigen/routigen/analyzer/internal/rtapi"
)

// Mode says which flows count.
type Mode int

const (
	// Alias follows only the identity of a value: copies, conversions,
	// interfaces, variables, helper results. For "is this the same map".
	Alias Mode = iota
	// Data follows everything a value is computed from: operators,
	// fields, elements, composite literals, call arguments.
	Data
)

// maxDepth bounds the nesting of helper calls followed.
const maxDepth = 3

// Tracer traces values of one package.
type Tracer struct {
	Mode Mode
	// Source reports whether a call is a source. Calls are resolved with
	// rtapi.Resolve; t lets Source compare values with t.Same.
	Source func(t *Tracer, c *ssa.CallCommon) bool
	// SameCall, when set, reports whether two calls yield the same value
	// (e.g. two calls of one generated TOf with the same context).
	SameCall func(t *Tracer, a, b *ssa.CallCommon) bool

	params map[*ssa.Parameter]ssa.Value // helper parameters bound to arguments
	depth  int
}

// Derives reports whether v derives from a Source call.
func (t *Tracer) Derives(v ssa.Value) bool {
	if t.params == nil {
		t.params = map[*ssa.Parameter]ssa.Value{}
	}
	return t.derives(v, map[ssa.Value]bool{})
}

func (t *Tracer) derives(v ssa.Value, seen map[ssa.Value]bool) bool {
	if v == nil || seen[v] {
		return false
	}
	seen[v] = true
	if ok, decided := t.identity(v, seen); decided {
		return ok
	}
	if t.literalPart(v, seen) {
		return true // a part of a composite literal built from a source
	}
	return t.Mode == Data && t.computed(v, seen)
}

// identity follows the flows that keep a value's identity (and, in Data
// mode, loads and allocations); decided is false when v is none of them,
// or a phi, free variable or parameter that leads nowhere.
func (t *Tracer) identity(v ssa.Value, seen map[ssa.Value]bool) (ok, decided bool) {
	data := t.Mode == Data
	switch v := v.(type) {
	case *ssa.Call:
		return t.call(&v.Call, -1, seen), true
	case *ssa.Extract:
		if c, ok := v.Tuple.(*ssa.Call); ok {
			return t.call(&c.Call, v.Index, seen), true
		}
		return t.derives(v.Tuple, seen), true
	case *ssa.Phi:
		for _, e := range v.Edges {
			if t.derives(e, seen) {
				return true, true
			}
		}
	case *ssa.UnOp:
		if v.Op == token.MUL {
			return t.addr(v.X, seen), true
		}
		return data && t.derives(v.X, seen), true
	case *ssa.ChangeType:
		return t.derives(v.X, seen), true
	case *ssa.Convert:
		return t.derives(v.X, seen), true
	case *ssa.MakeInterface:
		return t.derives(v.X, seen), true
	case *ssa.ChangeInterface:
		return t.derives(v.X, seen), true
	case *ssa.TypeAssert:
		return t.derives(v.X, seen), true
	case *ssa.SliceToArrayPointer:
		return t.derives(v.X, seen), true
	case *ssa.FreeVar:
		if b := rtapi.Binding(v); b != nil {
			return t.derives(b, seen), true
		}
	case *ssa.Parameter:
		if a, ok := t.params[v]; ok {
			return t.derives(a, seen), true
		}
	case *ssa.Alloc:
		// &x, &T{...}: the pointer derives from what is stored in it.
		return data && t.stores(v, seen), true
	}
	return false, false
}

// computed follows, in Data mode, what a value is computed from:
// operands, the aggregates a field or element is taken from, the keys and
// values stored into a new map.
func (t *Tracer) computed(v ssa.Value, seen map[ssa.Value]bool) bool {
	switch v := v.(type) {
	case *ssa.BinOp:
		return t.derives(v.X, seen) || t.derives(v.Y, seen)
	case *ssa.Field:
		return t.derives(v.X, seen)
	case *ssa.FieldAddr:
		return t.derives(v.X, seen)
	case *ssa.Index:
		return t.derives(v.X, seen) || t.derives(v.Index, seen)
	case *ssa.IndexAddr:
		return t.derives(v.X, seen) || t.derives(v.Index, seen)
	case *ssa.Lookup:
		return t.derives(v.X, seen) || t.derives(v.Index, seen)
	case *ssa.Slice:
		return t.derives(v.X, seen)
	case *ssa.MultiConvert:
		return t.derives(v.X, seen)
	case *ssa.MakeMap:
		for _, r := range *v.Referrers() {
			if u, ok := r.(*ssa.MapUpdate); ok && u.Map == v {
				if t.derives(u.Key, seen) || t.derives(u.Value, seen) {
					return true
				}
			}
		}
	}
	return false
}

// call reports whether the result (index idx of a tuple, -1 for the only
// one) of call c derives from a source.
func (t *Tracer) call(c *ssa.CallCommon, idx int, seen map[ssa.Value]bool) bool {
	if t.Source != nil && t.Source(t, c) {
		return true
	}
	if t.Mode == Data {
		if t.derives(c.Value, seen) && !isFunc(c.Value) {
			return true
		}
		for _, a := range c.Args {
			if t.derives(a, seen) {
				return true
			}
		}
	}
	fn := c.StaticCallee()
	if fn == nil || len(fn.Blocks) == 0 || t.depth >= maxDepth || c.IsInvoke() {
		return false
	}
	// A helper of this package: follow what it returns.
	t.depth++
	var bound []*ssa.Parameter
	for i, p := range fn.Params {
		if i < len(c.Args) {
			if _, ok := t.params[p]; !ok {
				t.params[p] = c.Args[i]
				bound = append(bound, p)
			}
		}
	}
	defer func() {
		t.depth--
		for _, p := range bound {
			delete(t.params, p)
		}
	}()
	for _, b := range fn.Blocks {
		if len(b.Instrs) == 0 {
			continue
		}
		ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return)
		if !ok {
			continue
		}
		for i, r := range ret.Results {
			if (idx < 0 || i == idx) && t.derives(r, seen) {
				return true
			}
		}
	}
	return false
}

func isFunc(v ssa.Value) bool {
	switch v.(type) {
	case *ssa.Function, *ssa.MakeClosure, *ssa.Builtin:
		return true
	}
	return false
}

// addr reports whether a load from address p derives from a source.
func (t *Tracer) addr(p ssa.Value, seen map[ssa.Value]bool) bool {
	switch p := p.(type) {
	case *ssa.Alloc:
		return t.stores(p, seen)
	case *ssa.FreeVar:
		if b := rtapi.Binding(p); b != nil {
			return t.addr(b, seen)
		}
	case *ssa.Parameter:
		if a, ok := t.params[p]; ok {
			return t.addr(a, seen)
		}
	case *ssa.FieldAddr:
		if t.Mode == Data {
			if base, ok := p.X.(*ssa.Alloc); ok {
				return t.stores(base, seen)
			}
			return t.derives(p.X, seen)
		}
		// Alias: a field of a local struct variable holds what is stored
		// into that field.
		if base, ok := p.X.(*ssa.Alloc); ok {
			return t.fieldStores(base, p.Field, seen)
		}
	case *ssa.IndexAddr:
		if t.Mode == Data {
			if base, ok := p.X.(*ssa.Alloc); ok {
				return t.stores(base, seen) || t.derives(p.Index, seen)
			}
			return t.derives(p.X, seen) || t.derives(p.Index, seen)
		}
		// Alias: an element of a local array or slice literal holds what
		// is stored into that element.
		base := p.X
		if sl, ok := base.(*ssa.Slice); ok {
			base = sl.X
		}
		if alloc, ok := base.(*ssa.Alloc); ok {
			return t.elementStores(alloc, p.Index, seen)
		}
	}
	return false
}

// literalPart reports whether v reads a part of a composite literal (or
// local struct variable) that holds a source: a field of a struct value
// (b := batch{meta: job.Metadata()}; b.meta) or a constant key of a local
// map literal (m := map[string]Message{"data": job.Data()}; m["data"]).
func (t *Tracer) literalPart(v ssa.Value, seen map[ssa.Value]bool) bool {
	switch v := v.(type) {
	case *ssa.Field:
		if u, ok := v.X.(*ssa.UnOp); ok && u.Op == token.MUL {
			if alloc, ok := u.X.(*ssa.Alloc); ok {
				return t.fieldStores(alloc, v.Field, seen)
			}
		}
	case *ssa.Lookup:
		mm, ok := v.X.(*ssa.MakeMap)
		if !ok || v.CommaOk {
			return false
		}
		for _, r := range *mm.Referrers() {
			if u, ok := r.(*ssa.MapUpdate); ok && u.Map == mm && mayEqual(u.Key, v.Index) && t.derives(u.Value, seen) {
				return true
			}
		}
	}
	return false
}

// elementStores reports whether a value stored into an element of the
// local array alloc that index may denote derives from a source.
func (t *Tracer) elementStores(alloc *ssa.Alloc, index ssa.Value, seen map[ssa.Value]bool) bool {
	for _, r := range *alloc.Referrers() {
		ia, ok := r.(*ssa.IndexAddr)
		if !ok || ia.X != alloc || !mayEqual(ia.Index, index) {
			continue
		}
		for _, u := range *ia.Referrers() {
			if st, ok := u.(*ssa.Store); ok && st.Addr == ia && t.derives(st.Val, seen) {
				return true
			}
		}
	}
	return false
}

// mayEqual reports whether two keys or indices may be equal: unless both
// are constants that differ.
func mayEqual(a, b ssa.Value) bool {
	ka, aok := a.(*ssa.Const)
	kb, bok := b.(*ssa.Const)
	if !aok || !bok || ka.Value == nil || kb.Value == nil || ka.Value.Kind() != kb.Value.Kind() {
		return true
	}
	return constant.Compare(ka.Value, token.EQL, kb.Value)
}

// stores reports whether any value stored into alloc (or, in Data mode,
// into one of its fields or elements) derives from a source.
func (t *Tracer) stores(alloc *ssa.Alloc, seen map[ssa.Value]bool) bool {
	var walk func(addr ssa.Value, depth int) bool
	walk = func(addr ssa.Value, depth int) bool {
		if depth > 4 {
			return false
		}
		refs := addr.Referrers()
		if refs == nil {
			return false
		}
		for _, r := range *refs {
			switch r := r.(type) {
			case *ssa.Store:
				if r.Addr == addr && t.derives(r.Val, seen) {
					return true
				}
			case *ssa.FieldAddr:
				if t.Mode == Data && walk(r, depth+1) {
					return true
				}
			case *ssa.IndexAddr:
				if t.Mode == Data && walk(r, depth+1) {
					return true
				}
			}
		}
		return false
	}
	return walk(alloc, 0)
}

// fieldStores reports whether a value stored into field f of the local
// struct variable alloc derives from a source.
func (t *Tracer) fieldStores(alloc *ssa.Alloc, f int, seen map[ssa.Value]bool) bool {
	for _, r := range *alloc.Referrers() {
		// b := batch{meta: job.Data()}: the literal is built in a
		// temporary and stored whole into b.
		if st, ok := r.(*ssa.Store); ok && st.Addr == alloc {
			if u, ok := st.Val.(*ssa.UnOp); ok && u.Op == token.MUL && !seen[u] {
				seen[u] = true
				if lit, ok := u.X.(*ssa.Alloc); ok && t.fieldStores(lit, f, seen) {
					return true
				}
			}
			continue
		}
		fa, ok := r.(*ssa.FieldAddr)
		if !ok || fa.X != alloc || fa.Field != f {
			continue
		}
		for _, u := range *fa.Referrers() {
			if st, ok := u.(*ssa.Store); ok && st.Addr == fa && t.derives(st.Val, seen) {
				return true
			}
		}
	}
	return false
}

// Same reports whether a and b denote the same variable or expression:
// the same SSA value, loads of the same variable, the same field of the
// same value, equal constants, or calls SameCall accepts.
func (t *Tracer) Same(a, b ssa.Value) bool {
	return t.same(a, b, 0)
}

func (t *Tracer) same(a, b ssa.Value, depth int) bool {
	if depth > 8 {
		return false
	}
	a, b = t.root(a), t.root(b)
	if a == b {
		return a != nil
	}
	switch x := a.(type) {
	case *ssa.Const:
		y, ok := b.(*ssa.Const)
		return ok && x.Value != nil && y.Value != nil && types.Identical(x.Type(), y.Type()) &&
			constant.Compare(x.Value, token.EQL, y.Value)
	case *ssa.UnOp:
		y, ok := b.(*ssa.UnOp)
		return ok && x.Op == y.Op && t.same(x.X, y.X, depth+1)
	case *ssa.FieldAddr:
		y, ok := b.(*ssa.FieldAddr)
		return ok && x.Field == y.Field && t.same(x.X, y.X, depth+1)
	case *ssa.Field:
		y, ok := b.(*ssa.Field)
		return ok && x.Field == y.Field && t.same(x.X, y.X, depth+1)
	case *ssa.Extract:
		y, ok := b.(*ssa.Extract)
		return ok && x.Index == y.Index && t.same(x.Tuple, y.Tuple, depth+1)
	case *ssa.ChangeType:
		y, ok := b.(*ssa.ChangeType)
		return ok && t.same(x.X, y.X, depth+1)
	case *ssa.Call:
		y, ok := b.(*ssa.Call)
		return ok && t.SameCall != nil && t.SameCall(t, &x.Call, &y.Call)
	}
	return false
}

// root strips what does not change identity: a closure's free variable
// stands for the variable it captures, a helper's parameter for its
// argument, a load of a local variable for the variable.
func (t *Tracer) root(v ssa.Value) ssa.Value {
	for range 16 {
		switch x := v.(type) {
		case *ssa.FreeVar:
			b := rtapi.Binding(x)
			if b == nil {
				return v
			}
			v = b
			continue
		case *ssa.Parameter:
			a, ok := t.params[x]
			if !ok {
				return v
			}
			v = a
			continue
		case *ssa.UnOp:
			if x.Op != token.MUL {
				return v
			}
			if p := t.root(x.X); isVar(p) {
				return p
			}
		}
		return v
	}
	return v
}

func isVar(v ssa.Value) bool {
	switch v.(type) {
	case *ssa.Alloc, *ssa.Global:
		return true
	}
	return false
}

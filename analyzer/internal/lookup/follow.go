package lookup

import (
	"go/token"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// wholeLoads returns, for a store address &lit.f of a composite literal
// built in a local, the reads of field f of the struct loaded whole from
// it (res := result{ok: ok}; if !res.ok {…}).
func wholeLoads(fa *ssa.FieldAddr) []ssa.Value {
	alloc, ok := fa.X.(*ssa.Alloc)
	if !ok {
		return nil
	}
	var out []ssa.Value
	for _, r := range *alloc.Referrers() {
		u, ok := r.(*ssa.UnOp)
		if !ok || u.Op != token.MUL || u.X != alloc {
			continue
		}
		for _, ur := range *u.Referrers() {
			switch ur := ur.(type) {
			case *ssa.Field:
				if ur.Field == fa.Field {
					out = append(out, ur)
				}
			case *ssa.Store:
				// res := result{…}: the literal copied whole into a variable.
				if v, ok := ur.Addr.(*ssa.Alloc); ok && ur.Val == u {
					out = append(out, fieldLoads(v, fa.Field, ur)...)
				}
			}
		}
	}
	return out
}

// fieldLoads returns the loads of field f of the local variable v, when
// the only write into v (whole or field f) is the store st.
func fieldLoads(v *ssa.Alloc, f int, st *ssa.Store) []ssa.Value {
	var out []ssa.Value
	for _, r := range *v.Referrers() {
		switch r := r.(type) {
		case *ssa.Store:
			if r != st {
				return nil
			}
		case *ssa.FieldAddr:
			if r.Field != f {
				continue
			}
			for _, fr := range *r.Referrers() {
				switch fr := fr.(type) {
				case *ssa.Store:
					return nil
				case *ssa.UnOp:
					if fr.Op == token.MUL {
						out = append(out, fr)
					}
				}
			}
		}
	}
	return out
}

// followFields adds to l.Values and l.Statuses the loads of a struct field
// the function stores the value or the status in (s.job, s.ok = …; if
// !s.ok {…}), when that store is the only one into the field in the
// function: every load of the field then reads the lookup's result.
func (l *Lookup) followFields(fn *ssa.Function) {
	type field struct {
		base  ssa.Value
		index int
	}
	stores := map[field][]*ssa.Store{}
	loads := map[field][]ssa.Value{}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch instr := instr.(type) {
			case *ssa.Store:
				if fa, ok := instr.Addr.(*ssa.FieldAddr); ok {
					k := field{fa.X, fa.Field}
					stores[k] = append(stores[k], instr)
				}
			case *ssa.UnOp:
				if fa, ok := instr.X.(*ssa.FieldAddr); ok && instr.Op == token.MUL {
					k := field{fa.X, fa.Field}
					loads[k] = append(loads[k], instr)
				}
			}
		}
	}
	follow := func(vs []ssa.Value) []ssa.Value {
		out := vs
		for _, v := range vs {
			for _, r := range *v.Referrers() {
				st, ok := r.(*ssa.Store)
				if !ok || st.Val != v {
					continue
				}
				fa, ok := st.Addr.(*ssa.FieldAddr)
				if !ok {
					continue
				}
				k := field{fa.X, fa.Field}
				whole := wholeLoads(fa)
				if len(stores[k]) != 1 || len(loads[k])+len(whole) == 0 {
					continue
				}
				if l.kept == nil {
					l.kept = map[*ssa.Store]bool{}
				}
				l.kept[st] = true
				out = append(out, loads[k]...)
				out = append(out, whole...)
			}
		}
		return out
	}
	l.Values = follow(l.Values)
	l.Statuses = follow(l.Statuses)
}

// followLocals adds to l.Values and l.Statuses the loads of a local
// variable the function stores the value or the status in, that read that
// store and no other: a function with a defer keeps its named results in
// locals (func f(ctx) (err error) { defer …; job, err := runtime.RequireJob(ctx);
// if err != nil {…} }). Only for a local that nothing but loads, stores
// and deferred closures refer to: one another closure captures may be
// read or written out of sight.
func (l *Lookup) followLocals() {
	follow := func(vs []ssa.Value) []ssa.Value {
		out := vs
		for _, v := range vs {
			for _, r := range *v.Referrers() {
				st, ok := r.(*ssa.Store)
				if !ok || st.Val != v {
					continue
				}
				loads := exclusiveLoads(st)
				if len(loads) == 0 {
					continue
				}
				if l.kept == nil {
					l.kept = map[*ssa.Store]bool{}
				}
				l.kept[st] = true
				out = append(out, loads...)
			}
		}
		return out
	}
	l.Values = follow(l.Values)
	l.Statuses = follow(l.Statuses)
}

// exclusiveLoads returns the loads of the local variable st stores into
// that read st's value on every path: st reaches them, and no other store
// into the variable does. None when the variable is not a plain local
// (captured, address taken).
func exclusiveLoads(st *ssa.Store) []ssa.Value {
	alloc, ok := st.Addr.(*ssa.Alloc)
	if !ok {
		return nil
	}
	var stores []*ssa.Store
	for _, r := range *alloc.Referrers() {
		switch r := r.(type) {
		case *ssa.Store:
			if r.Addr != alloc {
				return nil
			}
			stores = append(stores, r)
		case *ssa.UnOp:
			if r.Op != token.MUL {
				return nil
			}
		case *ssa.MakeClosure:
			if !onlyDeferred(r) {
				return nil
			}
		case *ssa.DebugRef:
		default:
			return nil
		}
	}
	mine := reachedLoads(st, alloc)
	for _, other := range stores {
		if other == st {
			continue
		}
		for u := range reachedLoads(other, alloc) {
			delete(mine, u)
		}
	}
	var out []ssa.Value
	for _, b := range st.Parent().Blocks { // in a fixed order
		for _, in := range b.Instrs {
			if u, ok := in.(*ssa.UnOp); ok && mine[u] {
				out = append(out, u)
			}
		}
	}
	return out
}

// onlyDeferred reports whether the closure mc is only deferred (defer
// func() {…}()): it runs when the function returns, after every load of
// its body, so what it does to a variable it captures is out of their way.
func onlyDeferred(mc *ssa.MakeClosure) bool {
	for _, r := range *mc.Referrers() {
		d, ok := r.(*ssa.Defer)
		if !ok || d.Call.Value != mc {
			return false
		}
	}
	return true
}

// reachedLoads returns the loads of alloc that the store st reaches: those
// on a path from st that meets no other store into alloc first.
func reachedLoads(st *ssa.Store, alloc *ssa.Alloc) map[*ssa.UnOp]bool {
	out := map[*ssa.UnOp]bool{}
	// scan scans b from instruction i, and reports whether a store ends it.
	scan := func(b *ssa.BasicBlock, i int) bool {
		for _, in := range b.Instrs[i:] {
			switch in := in.(type) {
			case *ssa.Store:
				if in.Addr == alloc {
					return true
				}
			case *ssa.UnOp:
				if in.Op == token.MUL && in.X == alloc {
					out[in] = true
				}
			}
		}
		return false
	}
	b := st.Block()
	if scan(b, slices.Index(b.Instrs, ssa.Instruction(st))+1) {
		return out
	}
	seen := map[*ssa.BasicBlock]bool{}
	queue := slices.Clone(b.Succs)
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		if seen[x] {
			continue
		}
		seen[x] = true
		if !scan(x, 0) {
			queue = append(queue, x.Succs...)
		}
	}
	return out
}

package gen

import "go/types"

// The manifest records what a field stores, so it spells types with their
// aliases resolved: a field of type ID, where type ID = string, stores a
// string, and when the alias becomes type ID = int the stored type
// changes although the field's spelling does not. Spelled with the alias
// name, that change would pass the gate and stored values would be
// misread; replacing an alias by its target would fail it for nothing.

// storedType spells t for the manifest: import paths, aliases resolved.
func storedType(t types.Type) string {
	return types.TypeString(unaliasDeep(t), qualifyPath)
}

// unaliasDeep returns t with every alias it spells replaced by its target,
// down to the type arguments of named types (a named type's own
// declaration is spelled by name and not looked into). Types without an
// alias are returned as they are.
func unaliasDeep(t types.Type) types.Type {
	switch u := t.(type) {
	case *types.Alias:
		return unaliasDeep(types.Unalias(u))
	case *types.Pointer:
		if e := unaliasDeep(u.Elem()); e != u.Elem() {
			return types.NewPointer(e)
		}
	case *types.Slice:
		if e := unaliasDeep(u.Elem()); e != u.Elem() {
			return types.NewSlice(e)
		}
	case *types.Array:
		if e := unaliasDeep(u.Elem()); e != u.Elem() {
			return types.NewArray(e, u.Len())
		}
	case *types.Chan:
		if e := unaliasDeep(u.Elem()); e != u.Elem() {
			return types.NewChan(u.Dir(), e)
		}
	case *types.Map:
		k, e := unaliasDeep(u.Key()), unaliasDeep(u.Elem())
		if k != u.Key() || e != u.Elem() {
			return types.NewMap(k, e)
		}
	case *types.Struct:
		fields := make([]*types.Var, u.NumFields())
		tags := make([]string, u.NumFields())
		changed := false
		for i := range u.NumFields() {
			f := u.Field(i)
			ft := unaliasDeep(f.Type())
			changed = changed || ft != f.Type()
			fields[i] = types.NewField(f.Pos(), f.Pkg(), f.Name(), ft, f.Embedded())
			tags[i] = u.Tag(i)
		}
		if changed {
			return types.NewStruct(fields, tags)
		}
	case *types.Signature:
		params, pc := unaliasTuple(u.Params())
		results, rc := unaliasTuple(u.Results())
		if pc || rc {
			return types.NewSignatureType(nil, nil, nil, params, results, u.Variadic())
		}
	case *types.Named:
		args := u.TypeArgs()
		if args.Len() == 0 {
			return t
		}
		list := make([]types.Type, args.Len())
		changed := false
		for i := range args.Len() {
			list[i] = unaliasDeep(args.At(i))
			changed = changed || list[i] != args.At(i)
		}
		if changed {
			if inst, err := types.Instantiate(nil, u.Origin(), list, false); err == nil {
				return inst
			}
		}
	}
	return t
}

func unaliasTuple(t *types.Tuple) (*types.Tuple, bool) {
	vars := make([]*types.Var, t.Len())
	changed := false
	for i := range t.Len() {
		v := t.At(i)
		vt := unaliasDeep(v.Type())
		changed = changed || vt != v.Type()
		vars[i] = types.NewParam(v.Pos(), v.Pkg(), v.Name(), vt)
	}
	return types.NewTuple(vars...), changed
}

// adoptSpellings lets a manifest written before aliases were resolved
// keep matching: a committed field type spelled as the code spells it,
// alias names and all, is taken for the resolved spelling, which the
// manifest is rewritten with (a field's shape has not changed when the
// code has not). A change of the alias's target made in the same run as
// the upgrade cannot be seen: the old spelling does not say what it meant.
func adoptSpellings(old, cur *manifest) {
	if old == nil {
		return
	}
	for _, c := range cur.types {
		for _, o := range old.types {
			if o.name != c.name || c.src == nil {
				continue
			}
			for i, of := range o.fields {
				sf := c.src.fields[of.name]
				if sf == nil {
					continue
				}
				if raw := types.TypeString(sf.typ, qualifyPath); raw == of.typ && raw != storedType(sf.typ) {
					o.fields[i].typ = storedType(sf.typ)
				}
			}
		}
	}
}

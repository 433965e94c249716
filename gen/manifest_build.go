package gen

import (
	"cmp"
	"go/token"
	"go/types"
	"reflect"
	"slices"

	"github.com/routigen/routigen/internal/directive"
)

// srcType is what the source adds to a state type's stored shape:
// positions for messages, and the Go side of each stored field for the
// codecs.
type srcType struct {
	t      *stateType
	fields map[string]*srcField // by stored name
}

// srcField is one stored field as declared.
type srcField struct {
	stored string
	goName string
	typ    types.Type
	pos    token.Position
	reach  []string // the named types its type reaches, expanded in the manifest
}

// checkStoredNames reports two fields of one type with the same stored
// name (a field's own name, or the one its routigen:"name=NAME" tag
// gives). It runs with the other checks of the declarations, so that it is
// reported beside their errors, not only when there are none.
func checkStoredNames(w *pkgWork) {
	for _, t := range w.types {
		at := map[string]int{} // stored name -> field index
		for i := range t.st.NumFields() {
			fld := t.st.Field(i)
			if fld.Name() == "_" {
				continue // not state: no code can select it
			}
			stored := storedName(fld.Name(), t.st.Tag(i))
			j, dup := at[stored]
			if !dup {
				at[stored] = i
				continue
			}
			o := t.st.Field(j)
			w.errorf(w.lp.Fset.Position(fld.Pos()), "field %s of %s is stored as %s, like field %s (%s); give one of them another routigen:\"name=NAME\"",
				fld.Name(), t.name, stored, o.Name(), shortPos(w.lp.Fset.Position(o.Pos())))
		}
	}
}

// storedName is the name a field is stored under: its own, or the one its
// tag gives. A tag that does not parse is reported where tags are checked.
func storedName(field, tag string) string {
	if v, ok := reflect.StructTag(tag).Lookup(directive.TagKey); ok {
		if t, err := directive.ParseFieldTag(v); err == nil && t.Name != "" {
			return t.Name
		}
	}
	return field
}

// qualifyPath spells every package by its import path, so that a type
// string names one type wherever it is read.
func qualifyPath(p *types.Package) string { return p.Path() }

// buildManifest returns the stored shape that w's source declares, with
// version 0 (reconcile numbers it).
func buildManifest(w *pkgWork) *manifest {
	m := &manifest{pkg: w.out.Path}
	for _, t := range w.types {
		e := &mType{
			name:   t.name,
			key:    t.storage,
			scope:  t.dir.Scope,
			shared: t.dir.Shared,
			src:    &srcType{t: t, fields: map[string]*srcField{}},
		}
		named := map[string]string{}
		for i := range t.st.NumFields() {
			fld := t.st.Field(i)
			if fld.Name() == "_" {
				continue // not state: no code can select it
			}
			f := &srcField{stored: storedName(fld.Name(), t.st.Tag(i)), goName: fld.Name(), typ: fld.Type(), pos: w.lp.Fset.Position(fld.Pos())}
			if _, dup := e.src.fields[f.stored]; dup {
				continue // checkStoredNames reported it
			}
			e.src.fields[f.stored] = f
			f.reach = reachNamed(fld.Type(), named)
			e.fields = append(e.fields, mField{f.stored, storedType(fld.Type())})
		}
		slices.SortFunc(e.fields, func(a, b mField) int { return cmp.Compare(a.name, b.name) })
		for n, u := range named {
			e.named = append(e.named, mNamed{n, u})
		}
		slices.SortFunc(e.named, func(a, b mNamed) int { return cmp.Compare(a.name, b.name) })
		m.types = append(m.types, e)
	}
	return m
}

// reachNamed adds to seen every named type that t reaches and whose
// structure decides how a value of t is stored (its underlying type,
// spelled with import paths), and returns their names, sorted. Types that
// encode themselves are not expanded: their encoding is theirs.
func reachNamed(t types.Type, seen map[string]string) []string {
	var out []string
	var walk func(t types.Type, onPath map[types.Type]bool)
	walk = func(t types.Type, onPath map[types.Type]bool) {
		t = types.Unalias(t)
		if onPath[t] {
			return
		}
		onPath[t] = true
		defer delete(onPath, t)
		if n, ok := t.(*types.Named); ok {
			if _, iface := n.Underlying().(*types.Interface); iface || selfEncoding(n) {
				return // a dynamic value, or one that encodes itself
			}
			name := storedType(n)
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
			if _, ok := seen[name]; !ok {
				seen[name] = storedType(n.Underlying())
			}
			if _, basic := n.Underlying().(*types.Basic); basic {
				return
			}
			t = n.Underlying()
		}
		switch t := t.(type) {
		case *types.Pointer:
			walk(t.Elem(), onPath)
		case *types.Slice:
			walk(t.Elem(), onPath)
		case *types.Array:
			walk(t.Elem(), onPath)
		case *types.Map:
			walk(t.Key(), onPath)
			walk(t.Elem(), onPath)
		case *types.Struct:
			for f := range t.Fields() {
				walk(f.Type(), onPath)
			}
		}
	}
	walk(t, map[types.Type]bool{})
	slices.Sort(out)
	return out
}

// selfEncoding reports whether values of t encode themselves, through
// MarshalJSON or MarshalText (on t or *t), as time.Time does.
//
// It looks the two methods up rather than building method sets: it runs
// for every named type every stored field reaches.
func selfEncoding(t types.Type) bool {
	for _, tt := range []types.Type{t, types.NewPointer(t)} {
		for _, name := range []string{"MarshalJSON", "MarshalText"} {
			if obj, index, _ := types.LookupFieldOrMethod(tt, false, nil, name); index != nil {
				if _, ok := obj.(*types.Func); ok {
					return true
				}
			}
		}
	}
	return false
}

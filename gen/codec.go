package gen

import (
	"cmp"
	"fmt"
	"go/types"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/routigen/routigen/internal/directive"
)

// Codecs: for each worker-scope state type T (the only scope a Backend
// persists), the generated file holds
//
//	var codecOfT = runtime.StateCodec[T]{Encode: ..., Decode: ...}
//
// which TOf passes to runtime.WorkerCell. Encode writes every field,
// unexported ones included, under its stored name through
// runtime.StateEncoder; Decode reads them back through
// runtime.StateDecoder, with the version and since of the type's manifest
// entry, so the codec reads exactly what the manifest describes. A field
// whose type encoding/json cannot store faithfully is, in Encode, an
// error naming the field and why (decided here, from its type), never a
// silent loss.

// codecName is the package-level variable of T's codec.
func codecName(t *stateType) string { return "codecOf" + t.name }

// hasCodec reports whether t gets a codec.
func hasCodec(t *stateType) bool { return t.dir.Scope == directive.ScopeWorker }

// checkCodecNames reports a package-level declaration that takes the name
// of a codec variable (declarations in our own generated file aside).
func checkCodecNames(w *pkgWork) {
	scope := w.lp.Types.Scope()
	for _, t := range w.types {
		if !hasCodec(t) {
			continue
		}
		name := codecName(t)
		obj := scope.Lookup(name)
		if obj == nil {
			continue
		}
		if p := w.lp.Fset.Position(obj.Pos()); filepath.Base(p.Filename) != FileName {
			w.errorf(p, "%s is declared here, but routigen generates %s for the worker-scope state type %s (%s); rename %s or the state type", name, name, t.name, shortPos(t.pos), name)
		}
	}
}

// codecArg is the codec argument TOf passes to runtime.WorkerCell, if any.
func (r *renderer) codecArg(t *stateType) []jen.Code {
	if !hasCodec(t) {
		return nil
	}
	return []jen.Code{jen.Id(codecName(t))}
}

// codec renders T's codec variable.
func (r *renderer) codec(t *stateType) []jen.Code {
	if !hasCodec(t) || r.w.shape == nil {
		return nil
	}
	i := slices.IndexFunc(r.w.shape.types, func(m *mType) bool { return m.name == t.name })
	if i < 0 {
		return nil
	}
	m := r.w.shape.types[i]
	T := jen.Id(t.name)
	v, e, d, data := r.local("v"), r.local("e"), r.local("d"), r.local("data")
	head := func(fn string, first ...jen.Code) *jen.Statement {
		return jen.Id(e).Op(":=").Add(r.qualPath(runtimePath, "runtime", fn)).Call(
			append(first, jen.Lit(m.key), jen.Lit(m.version), jen.Lit(m.since))...)
	}
	enc := []jen.Code{head("NewStateEncoder")}
	dec := []jen.Code{jen.Id(d).Op(":=").Add(r.qualPath(runtimePath, "runtime", "NewStateDecoder")).Call(
		jen.Id(data), jen.Lit(m.key), jen.Lit(m.version), jen.Lit(m.since))}
	for _, f := range m.fields {
		sf := m.src.fields[f.name]
		if why := unstorable(sf.typ); why != "" {
			enc = append(enc, jen.Id(e).Dot("Unstorable").Call(jen.Lit(f.name), jen.Lit(why)))
		} else {
			enc = append(enc, jen.Id(e).Dot("Field").Call(jen.Lit(f.name), jen.Id(v).Dot(sf.goName)))
		}
		dec = append(dec, jen.Id(d).Dot("Field").Call(jen.Lit(f.name), jen.Op("&").Id(v).Dot(sf.goName)))
	}
	enc = append(enc, jen.Return(jen.Id(e).Dot("Bytes").Call()))
	dec = append(dec, jen.Return(jen.Id(d).Dot("Err").Call()))

	var out []jen.Code
	for _, l := range wrap(fmt.Sprintf(
		"%s persists %s for a runtime.Backend: every field, unexported ones included, under its stored name, as %s describes it (version %d, reading values stored since version %d).",
		codecName(t), t.name, ManifestName, m.version, m.since), 76) {
		out = append(out, jen.Comment(l))
	}
	codecT := r.qualPath(runtimePath, "runtime", "StateCodec").Index(T.Clone())
	out = append(out, jen.Var().Id(codecName(t)).Op("=").Add(codecT).Values(jen.Dict{
		jen.Id("Encode"): jen.Func().Params(jen.Id(v).Op("*").Add(T.Clone())).Params(r.byteSlice(), r.builtin("error")).Block(enc...),
		jen.Id("Decode"): jen.Func().Params(jen.Id(data).Add(r.byteSlice()), jen.Id(v).Op("*").Add(T.Clone())).Add(r.builtin("error")).Block(dec...),
	}), jen.Line())
	return out
}

// unstorable says why encoding/json cannot store a value of type t so that
// it comes back as it was, or "". Types that encode themselves
// (MarshalJSON, MarshalText) are trusted.
func unstorable(t types.Type) string {
	return unstorableIn(t, map[types.Type]bool{})
}

func unstorableIn(t types.Type, seen map[types.Type]bool) string {
	t = types.Unalias(t)
	if seen[t] {
		return ""
	}
	seen[t] = true
	if n, ok := t.(*types.Named); ok && selfEncoding(n) {
		return ""
	}
	switch u := t.Underlying().(type) {
	case *types.Signature:
		return "it holds a func"
	case *types.Chan:
		return "it holds a channel"
	case *types.Interface:
		return "it holds an interface value, whose dynamic type would be lost; give the field a concrete type"
	case *types.Basic:
		switch {
		case u.Info()&types.IsComplex != 0:
			return "encoding/json cannot store complex numbers"
		case u.Kind() == types.UnsafePointer:
			return "it holds an unsafe.Pointer"
		}
	case *types.Pointer:
		return unstorableIn(u.Elem(), seen)
	case *types.Slice:
		return unstorableIn(u.Elem(), seen)
	case *types.Array:
		return unstorableIn(u.Elem(), seen)
	case *types.Map:
		if !jsonMapKey(u.Key()) {
			return fmt.Sprintf("encoding/json cannot store a map with %s keys", types.TypeString(u.Key(), (*types.Package).Name))
		}
		return unstorableIn(u.Elem(), seen)
	case *types.Struct:
		where := "an anonymous struct"
		if n, ok := t.(*types.Named); ok {
			where = "type " + types.TypeString(n, (*types.Package).Name)
		}
		for i := range u.NumFields() {
			f := u.Field(i)
			if f.Name() == "_" {
				continue // encoding/json skips it, and it holds nothing
			}
			if !f.Exported() && !f.Embedded() {
				return fmt.Sprintf("%s has the unexported field %s, which encoding/json does not store; export it, or give the type MarshalJSON and UnmarshalJSON methods", where, f.Name())
			}
			if reflect.StructTag(u.Tag(i)).Get("json") == "-" {
				return fmt.Sprintf("%s has the field %s tagged json:\"-\", which encoding/json does not store; drop the tag, or give the type MarshalJSON and UnmarshalJSON methods", where, f.Name())
			}
			if why := unstorableIn(f.Type(), seen); why != "" {
				return why
			}
		}
		if lost, by := jsonHidden(u); lost != "" {
			return fmt.Sprintf("%s has the field %s, which encoding/json does not store because it conflicts with %s for its JSON name; rename one with a json tag, or give the type MarshalJSON and UnmarshalJSON methods", where, lost, by)
		}
	}
	return ""
}

// jsonField is a field encoding/json would write for a struct: its name
// there, its path from the struct, its embedding depth, whether a tag
// names it.
type jsonField struct {
	name, path string
	depth      int
	tagged     bool
}

// jsonHidden returns a field of st that encoding/json leaves out because
// another one takes its name, and that other one ("" when none). Fields
// promoted from embedded structs compete for names as encoding/json has
// them do: the shallowest wins, and of several at that depth the one
// tagged alone; two of one name at one depth, neither or both tagged, are
// both left out.
func jsonHidden(st *types.Struct) (lost, by string) {
	var fields []jsonField
	jsonFields(st, "", 0, map[*types.Struct]bool{st: true}, &fields)
	byName := map[string][]jsonField{}
	for _, f := range fields {
		byName[f.name] = append(byName[f.name], f)
	}
	for _, f := range fields {
		rivals := byName[f.name]
		if len(rivals) < 2 || jsonWinner(rivals) == f.path {
			continue
		}
		for _, r := range rivals {
			if r.path != f.path {
				return f.path, r.path
			}
		}
	}
	return "", ""
}

// jsonWinner returns the path of the field of fields (which share a name)
// that encoding/json writes, or "" when it writes none of them.
func jsonWinner(fields []jsonField) string {
	top := slices.MinFunc(fields, func(a, b jsonField) int { return cmp.Compare(a.depth, b.depth) }).depth
	var at, tagged []jsonField
	for _, f := range fields {
		if f.depth == top {
			at = append(at, f)
			if f.tagged {
				tagged = append(tagged, f)
			}
		}
	}
	switch {
	case len(at) == 1:
		return at[0].path
	case len(tagged) == 1:
		return tagged[0].path
	}
	return ""
}

// jsonFields appends the fields encoding/json sees in st, descending into
// embedded structs without a json name.
func jsonFields(st *types.Struct, prefix string, depth int, seen map[*types.Struct]bool, out *[]jsonField) {
	for i := range st.NumFields() {
		f := st.Field(i)
		tag := reflect.StructTag(st.Tag(i)).Get("json")
		if f.Name() == "_" || tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Embedded() && name == "" {
			ft := types.Unalias(f.Type())
			if p, ok := ft.(*types.Pointer); ok {
				ft = types.Unalias(p.Elem())
			}
			if inner, ok := ft.Underlying().(*types.Struct); ok {
				if !seen[inner] {
					seen[inner] = true
					jsonFields(inner, prefix+f.Name()+".", depth+1, seen, out)
					delete(seen, inner)
				}
				continue
			}
		}
		if !f.Exported() {
			continue
		}
		*out = append(*out, jsonField{name: cmp.Or(name, f.Name()), path: prefix + f.Name(), depth: depth, tagged: name != ""})
	}
}

// jsonMapKey reports whether encoding/json stores maps with keys of type
// k: strings, integers, and text marshalers.
func jsonMapKey(k types.Type) bool {
	if b, ok := k.Underlying().(*types.Basic); ok && b.Info()&(types.IsString|types.IsInteger) != 0 {
		return true
	}
	for _, tt := range []types.Type{k, types.NewPointer(k)} {
		if hasMethod(types.NewMethodSet(tt), "MarshalText") {
			return true
		}
	}
	return false
}

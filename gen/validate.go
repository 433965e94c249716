package gen

import (
	"cmp"
	"fmt"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/routigen/routigen/internal/directive"
)

// stateType is one annotated struct type.
type stateType struct {
	name    string
	obj     *types.TypeName
	st      *types.Struct
	dir     directive.State
	storage string
	pos     token.Position // of the directive
	names   directive.Names
	fields  []accField
}

// accField is a field that gets a getter and a setter.
type accField struct {
	name string
	typ  types.Type
	pos  token.Position
}

// pkgWork is one package on its way through the pipeline.
type pkgWork struct {
	lp    *packages.Package
	out   *Package
	types []*stateType
	shape *manifest // the stored shape, numbered against the manifest
}

func (w *pkgWork) errorf(pos token.Position, format string, args ...any) {
	w.out.Errors = append(w.out.Errors, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// predeclared are the universe identifiers the generated code names; a
// package that redeclares one cannot compile it.
var predeclared = []string{"error", "nil", "string"}

// process validates and renders the loaded packages.
func process(lps []*packages.Package, cfg Config) *Result {
	slices.SortFunc(lps, func(a, b *packages.Package) int { return cmp.Compare(a.PkgPath, b.PkgPath) })
	res := &Result{}
	var works []*pkgWork
	for _, lp := range lps {
		w := analyze(lp)
		for _, t := range w.types {
			w.out.Types = append(w.out.Types, t.name)
		}
		slices.Sort(w.out.Types)
		works = append(works, w)
		res.Packages = append(res.Packages, w.out)
	}
	checkStorage(works)
	for _, w := range works {
		manifestStep(w, cfg.AllowBreaking)
	}
	for _, w := range works {
		// Rendering needs types only: let the collector have the syntax
		// trees, so that they do not weigh on the collections rendering
		// triggers.
		w.lp.Syntax = nil
	}
	for _, w := range works {
		if len(w.out.Errors) == 0 && len(w.types) > 0 {
			content, err := render(w)
			if err != nil {
				w.out.Errors = append(w.out.Errors, &Error{
					Pos: token.Position{Filename: w.out.File},
					Msg: fmt.Sprintf("render %s: %v (this is a routigen bug; please report it)", w.out.Path, err),
					Err: err,
				})
			} else {
				w.out.Content = content
			}
		}
		w.out.Errors = sortErrors(w.out.Errors)
	}
	return res
}

// analyze finds and validates the annotated types of one package.
func analyze(lp *packages.Package) *pkgWork {
	out := &Package{Path: lp.PkgPath, Name: lp.Name, Dir: lp.Dir}
	if out.Dir == "" {
		for _, files := range [][]string{lp.GoFiles, lp.CompiledGoFiles, lp.OtherFiles, lp.IgnoredFiles} {
			if len(files) > 0 {
				out.Dir = filepath.Dir(files[0])
				break
			}
		}
	}
	w := &pkgWork{lp: lp, out: out}
	if out.Dir != "" {
		out.File = filepath.Join(out.Dir, FileName)
		if b, err := os.ReadFile(out.File); err == nil {
			if b == nil {
				b = []byte{}
			}
			out.Existing = b
		}
	}
	ours := out.Existing != nil && IsGenerated(out.Existing)

	var typeErrs []packages.Error
	for _, e := range lp.Errors {
		if e.Kind == packages.TypeError {
			typeErrs = append(typeErrs, e)
			continue
		}
		if e.Kind == packages.ListError && e.Pos == "" && strings.HasPrefix(e.Msg, "# ") {
			// Compiler output of `go list -export` for this very package:
			// the type checker, run from source, reports what matters.
			continue
		}
		if onlyOurFile(lp, ours) {
			// The package is nothing but a stale generated file (excluded
			// by its build constraint): it is an orphan to remove.
			continue
		}
		w.errorf(parsePos(e.Pos), "%s (fix the package so that it loads, then run routigen again)", e.Msg)
	}
	if lp.Types == nil || len(lp.Syntax) == 0 {
		return w
	}
	fset := lp.Fset
	scope := lp.Types.Scope()

	// declared returns the position of a package-level declaration of name,
	// ignoring our own generated file should it have been loaded.
	declared := func(name string) (token.Position, bool) {
		obj := scope.Lookup(name)
		if obj == nil {
			return token.Position{}, false
		}
		p := fset.Position(obj.Pos())
		if filepath.Base(p.Filename) == FileName && ours {
			return token.Position{}, false
		}
		return p, true
	}

	type span struct {
		file     string
		from, to int
	}
	var spans []span
	invalid := false
	locks := lockFinder{}
	for _, f := range lp.Syntax {
		r := directive.ParseFile(f)
		for _, e := range r.Errors {
			w.errorf(fset.Position(e.Pos), "%s", e.Msg)
		}
		for _, sd := range r.States {
			start, end := fset.Position(sd.Spec.Pos()), fset.Position(sd.Spec.End())
			spans = append(spans, span{start.Filename, start.Offset, end.Offset})
			obj, _ := scope.Lookup(sd.Spec.Name.Name).(*types.TypeName)
			if obj == nil {
				continue // redeclared: the type checker says so
			}
			st, ok := obj.Type().Underlying().(*types.Struct)
			if !ok {
				continue
			}
			t := &stateType{
				name:    obj.Name(),
				obj:     obj,
				st:      st,
				dir:     sd.State,
				storage: directive.StorageName(lp.PkgPath, obj.Name(), sd.State),
				pos:     fset.Position(sd.State.Pos),
				names:   directive.NamesFor(obj.Name()),
			}
			for i := range st.NumFields() {
				fld := st.Field(i)
				fpos := fset.Position(fld.Pos())
				if containsInvalid(fld.Type(), map[types.Type]bool{}) {
					invalid = true
					w.errorf(fpos, "field %s of %s does not type-check; fix its type (see the type errors)", fld.Name(), t.name)
					continue
				}
				if lock := locks.path(fld.Type()); lock != "" {
					if ft := types.TypeString(fld.Type(), (*types.Package).Name); ft != lock {
						lock = ft + " holds " + lock
					}
					w.errorf(fpos, "field %s of %s holds a lock (%s), which Load and Store would copy; the accessor already locks the state, so remove the lock", fld.Name(), t.name, lock)
					continue
				}
				if v, ok := reflect.StructTag(st.Tag(i)).Lookup(directive.TagKey); ok {
					tag, err := directive.ParseFieldTag(v)
					if err != nil {
						w.errorf(fpos, "field %s of %s: %v", fld.Name(), t.name, err)
						continue
					}
					if tag.NoAccessors {
						continue
					}
				}
				if !fld.Exported() {
					continue
				}
				t.fields = append(t.fields, accField{name: fld.Name(), typ: fld.Type(), pos: fpos})
			}
			w.types = append(w.types, t)
		}
	}
	slices.SortFunc(w.types, func(a, b *stateType) int { return cmp.Compare(a.name, b.name) })

	for _, e := range typeErrs {
		p := parsePos(e.Pos)
		in := invalid
		for _, s := range spans {
			if s.file == p.Filename {
				// Positions of type errors carry no offset; compare lines.
				if tf := fileOf(fset, s.file); tf != nil && p.Line >= tf.Line(tf.Pos(s.from)) && p.Line <= tf.Line(tf.Pos(s.to)) {
					in = true
				}
			}
		}
		if in {
			w.errorf(p, "%s (fix the type error, then run routigen again)", e.Msg)
		}
	}

	if len(w.types) == 0 {
		return w
	}

	if out.Existing != nil && !ours {
		w.errorf(token.Position{Filename: out.File, Line: 1, Column: 1},
			"%s was not written by routigen (its first line is not %q), so routigen will not overwrite it; rename or remove it", FileName, Header)
	}
	for _, name := range predeclared {
		if p, ok := declared(name); ok {
			w.errorf(p, "package-level %s redeclares the predeclared identifier that generated code uses; rename it", name)
		}
	}

	// Package-level names: TAccessor and TOf of every type must be free and
	// distinct.
	gen := map[string]*stateType{}
	for _, t := range w.types {
		for _, n := range []string{t.names.Accessor, t.names.Of} {
			if p, ok := declared(n); ok {
				w.errorf(p, "%s is declared here, but routigen generates %s for //routigen:state type %s (%s); rename %s or the state type", n, n, t.name, shortPos(t.pos), n)
				continue
			}
			if o, ok := gen[n]; ok {
				w.errorf(t.pos, "routigen generates %s for both %s and %s; rename one of them", n, o.name, t.name)
				continue
			}
			gen[n] = t
		}
	}

	// Methods of each accessor: the fixed ones plus F and SetF per field.
	// Owners are described only when there is a collision to report.
	type owner struct {
		field *accField // nil: a fixed method
		set   bool
	}
	describe := func(name string, o owner) string {
		switch {
		case o.field == nil:
			return "the accessor method " + name
		case o.set:
			return "setter " + name + " of field " + o.field.name
		}
		return "getter " + name + " of field " + o.field.name
	}
	for _, t := range w.types {
		owners := make(map[string]owner, 2*len(t.fields)+len(directive.AccessorMethods))
		for _, m := range directive.AccessorMethods {
			owners[m] = owner{}
		}
		for i := range t.fields {
			f := &t.fields[i]
			get, set := directive.FieldMethods(f.name)
			for _, m := range []struct {
				name string
				set  bool
			}{{get, false}, {set, true}} {
				if o, ok := owners[m.name]; ok {
					other := describe(m.name, o)
					if o.field != nil {
						other += " (" + shortPos(o.field.pos) + ")"
					}
					w.errorf(f.pos, "%s of %s collides with %s; rename the field or tag it `routigen:\"-\"`", describe(m.name, owner{f, m.set}), t.names.Accessor, other)
					continue
				}
				owners[m.name] = owner{f, m.set}
			}
		}
	}
	return w
}

// onlyOurFile reports whether lp's only Go file is our generated file,
// excluded by its build constraint.
func onlyOurFile(lp *packages.Package, ours bool) bool {
	if !ours || len(lp.GoFiles) > 0 || len(lp.CompiledGoFiles) > 0 {
		return false
	}
	for _, f := range lp.IgnoredFiles {
		if filepath.Base(f) != FileName && strings.HasSuffix(f, ".go") {
			return false
		}
	}
	return true
}

func fileOf(fset *token.FileSet, name string) *token.File {
	var out *token.File
	fset.Iterate(func(f *token.File) bool {
		if f.Name() == name {
			out = f
			return false
		}
		return true
	})
	return out
}

func shortPos(p token.Position) string {
	p.Filename = filepath.Base(p.Filename)
	return p.String()
}

// containsInvalid reports whether t mentions an invalid type.
func containsInvalid(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t := t.(type) {
	case *types.Basic:
		return t.Kind() == types.Invalid
	case *types.Alias:
		return containsInvalid(types.Unalias(t), seen)
	case *types.Named:
		for a := range t.TypeArgs().Types() {
			if containsInvalid(a, seen) {
				return true
			}
		}
		return containsInvalid(t.Underlying(), seen)
	case *types.Pointer:
		return containsInvalid(t.Elem(), seen)
	case *types.Slice:
		return containsInvalid(t.Elem(), seen)
	case *types.Array:
		return containsInvalid(t.Elem(), seen)
	case *types.Map:
		return containsInvalid(t.Key(), seen) || containsInvalid(t.Elem(), seen)
	case *types.Chan:
		return containsInvalid(t.Elem(), seen)
	case *types.Struct:
		for f := range t.Fields() {
			if containsInvalid(f.Type(), seen) {
				return true
			}
		}
	case *types.Signature:
		for _, tup := range []*types.Tuple{t.Params(), t.Results()} {
			for v := range tup.Variables() {
				if containsInvalid(v.Type(), seen) {
					return true
				}
			}
		}
	case *types.Interface:
		for m := range t.ExplicitMethods() {
			if containsInvalid(m.Type(), seen) {
				return true
			}
		}
		for e := range t.EmbeddedTypes() {
			if containsInvalid(e, seen) {
				return true
			}
		}
	case *types.TypeParam:
		return true
	}
	return false
}

type storageKey struct {
	scope  directive.Scope
	shared bool
	name   string
}

// checkStorage reports types of the run that share a storage key.
func checkStorage(works []*pkgWork) {
	type entry struct {
		w *pkgWork
		t *stateType
	}
	groups := map[storageKey][]entry{}
	var keys []storageKey
	for _, w := range works {
		for _, t := range w.types {
			k := storageKey{t.dir.Scope, t.dir.Shared, t.storage}
			if groups[k] == nil {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], entry{w, t})
		}
	}
	for _, k := range keys {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		mode := "scope=" + string(k.scope)
		if k.shared {
			mode += " shared"
		}
		for i, e := range g {
			var others []string
			for j, o := range g {
				if j != i {
					others = append(others, fmt.Sprintf("%s.%s (%s)", o.w.out.Path, o.t.name, o.t.pos))
				}
			}
			e.w.errorf(e.t.pos, "storage name %q (%s) of %s is also used by %s; give one of them another key=NAME",
				k.name, mode, e.t.name, strings.Join(others, ", "))
		}
	}
}

// isLocal reports whether obj belongs to package path.
func isLocal(obj types.Object, path string) bool {
	return obj.Pkg() != nil && obj.Pkg().Path() == path
}

// lockFinder finds locks in types, remembering its answers for named
// types (a package repeats the same field types many times).
type lockFinder map[types.Type]string

// path returns the type of the lock (a type whose pointer has Lock and
// Unlock methods, as go vet's copylocks sees it: sync.Mutex, the
// sync/atomic types) that a value of type t holds, not through pointers,
// or "".
func (lf lockFinder) path(t types.Type) string {
	return lf.find(t, map[types.Type]bool{})
}

func (lf lockFinder) find(t types.Type, onStack map[types.Type]bool) string {
	t = types.Unalias(t)
	switch t.Underlying().(type) {
	case *types.Basic, *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		return "" // holds no lock by value
	}
	_, named := t.(*types.Named)
	if named {
		if l, ok := lf[t]; ok {
			return l
		}
	}
	if onStack[t] {
		return ""
	}
	onStack[t] = true
	defer delete(onStack, t)
	l := ""
	if named {
		ms := types.NewMethodSet(types.NewPointer(t))
		if hasMethod(ms, "Lock") && hasMethod(ms, "Unlock") {
			l = types.TypeString(t, (*types.Package).Name)
		}
	}
	if l == "" {
		switch u := t.Underlying().(type) {
		case *types.Array:
			l = lf.find(u.Elem(), onStack)
		case *types.Struct:
			for f := range u.Fields() {
				if l = lf.find(f.Type(), onStack); l != "" {
					break
				}
			}
		}
	}
	if named {
		lf[t] = l
	}
	return l
}

func hasMethod(ms *types.MethodSet, name string) bool {
	for sel := range ms.Methods() {
		if sel.Obj().Name() == name {
			return true
		}
	}
	return false
}

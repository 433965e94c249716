package gen

import (
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/routigen/routigen/internal/directive"
)

// predeclared are the universe identifiers the generated code names; a
// package that redeclares one cannot compile it.
var predeclared = []string{"error", "nil", "string"}

// declared returns the position of a package-level declaration of name,
// ignoring our own generated file should it have been loaded.
func (w *pkgWork) declared(name string) (token.Position, bool) {
	obj := w.lp.Types.Scope().Lookup(name)
	if obj == nil {
		return token.Position{}, false
	}
	p := w.lp.Fset.Position(obj.Pos())
	if filepath.Base(p.Filename) == FileName && w.ours {
		return token.Position{}, false
	}
	return p, true
}

// imported returns the import of a file of the package that puts name in
// the file's block, which Go forbids the package block to declare too: an
// import named name, or a dot import of a package that exports it. how
// says which.
func (w *pkgWork) imported(name string) (pos token.Position, how string, ok bool) {
	for _, f := range w.lp.Syntax {
		for _, spec := range f.Imports {
			path, err := strconv.Unquote(spec.Path.Value)
			if spec.Name == nil || err != nil {
				continue
			}
			p := w.lp.Fset.Position(spec.Pos())
			if spec.Name.Name == name {
				return p, "the import named " + name, true
			}
			if spec.Name.Name != "." {
				continue
			}
			for _, imp := range w.lp.Types.Imports() {
				if imp.Path() == path && imp.Scope().Lookup(name) != nil && token.IsExported(name) {
					return p, fmt.Sprintf("the dot import of %q", path), true
				}
			}
		}
	}
	return token.Position{}, "", false
}

func importAdvice(how string) string {
	if strings.HasPrefix(how, "the dot import") {
		return "import the package by its name or rename the state type"
	}
	return "rename the import or the state type"
}

// checkNames reports generated names that collide with declared ones or
// with each other: package-level TAccessor and TOf, and the methods of
// each accessor.
func (w *pkgWork) checkNames() {
	for _, name := range predeclared {
		if p, ok := w.declared(name); ok {
			w.errorf(p, "package-level %s redeclares the predeclared identifier that generated code uses; rename it", name)
		}
	}
	gen := map[string]*stateType{}
	for _, t := range w.types {
		for _, n := range []string{t.names.Accessor, t.names.Of} {
			if p, ok := w.declared(n); ok {
				w.errorf(p, "%s is declared here, but routigen generates %s for //routigen:state type %s (%s); rename %s or the state type", n, n, t.name, shortPos(t.pos), n)
				continue
			}
			if p, how, ok := w.imported(n); ok {
				w.errorf(p, "%s declares %s in this file, but routigen generates %s for //routigen:state type %s (%s), and Go forbids a name in both a file and its package; %s", how, n, n, t.name, shortPos(t.pos), importAdvice(how))
				continue
			}
			if o, ok := gen[n]; ok {
				w.errorf(t.pos, "routigen generates %s for both %s and %s; rename one of them", n, o.name, t.name)
				continue
			}
			gen[n] = t
		}
	}
	for _, t := range w.types {
		w.checkMethods(t)
	}
}

// methodOwner is what generates an accessor method: a fixed method (field
// nil), or the getter or setter of a field.
type methodOwner struct {
	field *accField
	set   bool
}

func (o methodOwner) describe(name string) string {
	switch {
	case o.field == nil:
		return "the accessor method " + name
	case o.set:
		return "setter " + name + " of field " + o.field.name
	}
	return "getter " + name + " of field " + o.field.name
}

// checkMethods reports methods of t's accessor that two owners generate:
// the fixed ones plus F and SetF per field.
func (w *pkgWork) checkMethods(t *stateType) {
	owners := make(map[string]methodOwner, 2*len(t.fields)+len(directive.AccessorMethods))
	for _, m := range directive.AccessorMethods {
		owners[m] = methodOwner{}
	}
	for i := range t.fields {
		f := &t.fields[i]
		get, set := directive.FieldMethods(f.name)
		for _, m := range []struct {
			name string
			set  bool
		}{{get, false}, {set, true}} {
			if o, ok := owners[m.name]; ok {
				other := o.describe(m.name)
				if o.field != nil {
					other += " (" + shortPos(o.field.pos) + ")"
				}
				w.errorf(f.pos, "%s of %s collides with %s; rename the field or tag it `routigen:\"-\"`", methodOwner{f, m.set}.describe(m.name), t.names.Accessor, other)
				continue
			}
			owners[m.name] = methodOwner{f, m.set}
		}
	}
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

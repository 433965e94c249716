package gen

import (
	"bytes"
	"cmp"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

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

// collect finds the annotated types of the package's files and checks
// their fields.
func (w *pkgWork) collect() {
	lp := w.lp
	fset, scope := lp.Fset, lp.Types.Scope()
	locks := lockFinder{}
	for _, f := range lp.Syntax {
		r := directive.ParseFile(f)
		for _, e := range fileErrors(f, r) {
			w.errorf(fset.Position(e.Pos), "%s", e.Msg)
		}
		for _, sd := range r.States {
			start, end := fset.Position(sd.Spec.Pos()), fset.Position(sd.Spec.End())
			w.spans = append(w.spans, span{start.Filename, start.Offset, end.Offset})
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
			if c := fileConstraint(f, start.Filename); c != "" {
				w.errorf(t.pos, "state type %s is declared in a file with a build constraint (%s), but %s serves every build of the package and would not compile where that file is left out; move %s to a file without a build constraint", t.name, c, FileName, t.name)
			}
			w.collectFields(t, locks)
			w.checkArrayLengths(t, sd.Spec, f)
			w.types = append(w.types, t)
		}
	}
	slices.SortFunc(w.types, func(a, b *stateType) int { return cmp.Compare(a.name, b.name) })
}

// collectFields checks every field of t (Load and Store copy them all)
// and keeps those that get accessors.
func (w *pkgWork) collectFields(t *stateType, locks lockFinder) {
	fset := w.lp.Fset
	st := t.st
	for i := range st.NumFields() {
		fld := st.Field(i)
		fpos := fset.Position(fld.Pos())
		if containsInvalid(fld.Type(), map[types.Type]bool{}) {
			w.invalid = true
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
		if why := w.plan.problem(fld.Type()); why != "" {
			w.errorf(fpos, "field %s of %s: %s; Load could not return a copy that shares no slice or map, so use a type routigen can copy: its slices and maps reached through exported fields of exported types, or any field of this package's types", fld.Name(), t.name, why)
			continue
		}
		if iface := w.plan.sharedInterface(fld.Type(), map[types.Type]bool{}); iface != "" {
			w.errorf(fpos, "field %s of %s holds values of the interface type %s; Load cannot copy what an interface holds, so its copy could share a slice or map with the stored value: use a concrete type (of interfaces, only error is accepted)", fld.Name(), t.name, iface)
			continue
		}
		if where := w.constrainedType(fld.Type()); where != "" {
			w.errorf(fpos, "field %s of %s: %s; the generated code would not compile where that file is left out, so move the type to a file without a build constraint", fld.Name(), t.name, where)
			continue
		}
		if where := w.foreignConstraint(fld.Type()); where != "" {
			w.errorf(fpos, "field %s of %s: %s; %s serves every build of the package, so store a type whose fields are the same in every build (a struct of your own with the fields you need)", fld.Name(), t.name, where, FileName)
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
}

// constrainedType describes the first type of the package that t mentions
// (or whose fields the copy code selects) and that is declared in a file
// with a build constraint, or is "".
func (w *pkgWork) constrainedType(t types.Type) string {
	var found string
	seen := map[types.Type]bool{}
	var walk func(t types.Type)
	walk = func(t types.Type) {
		if found != "" || seen[t] {
			return
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Alias:
			walk(types.Unalias(t))
		case *types.Named:
			if isLocal(t.Obj(), w.lp.PkgPath) {
				if c := w.declConstraint(t.Obj()); c != "" {
					found = "type " + t.Obj().Name() + " is declared in a file with a build constraint (" + c + ")"
					return
				}
				walk(t.Underlying())
			}
			for a := range t.TypeArgs().Types() {
				walk(a)
			}
		case *types.Pointer:
			walk(t.Elem())
		case *types.Slice:
			walk(t.Elem())
		case *types.Array:
			walk(t.Elem())
		case *types.Chan:
			walk(t.Elem())
		case *types.Map:
			walk(t.Key())
			walk(t.Elem())
		case *types.Struct:
			for f := range t.Fields() {
				walk(f.Type())
			}
		case *types.Signature:
			for _, tup := range []*types.Tuple{t.Params(), t.Results()} {
				for v := range tup.Variables() {
					walk(v.Type())
				}
			}
		case *types.Interface:
			for m := range t.ExplicitMethods() {
				walk(m.Type())
			}
			for e := range t.EmbeddedTypes() {
				walk(e)
			}
		}
	}
	walk(t)
	return found
}

// foreignConstraint describes the build constraint of another package's
// struct type whose fields the copy of a t selects, or is "". The copy selects the fields of such a struct
// by name, so a type declared once per build with other fields in each
// (syscall.SysProcAttr) would break the other builds; other types of
// other packages are only named, which compiles wherever the package does.
func (w *pkgWork) foreignConstraint(t types.Type) string {
	var found string
	seen := map[types.Type]bool{}
	var walk func(t types.Type)
	walk = func(t types.Type) {
		t = types.Unalias(t)
		if found != "" || seen[t] || !w.plan.needsDeep(t) {
			return
		}
		seen[t] = true
		switch u := t.Underlying().(type) {
		case *types.Struct:
			if n, ok := t.(*types.Named); ok && !isLocal(n.Obj(), w.lp.PkgPath) {
				if c := w.fileConstraintOf(n.Obj()); c != "" {
					found = fmt.Sprintf("type %s is declared in a file with a build constraint (%s), and the copy selects its fields, which other builds may not have", types.TypeString(n, (*types.Package).Name), c)
					return
				}
			}
			for f := range u.Fields() {
				if w.plan.reachable(f) {
					walk(f.Type())
				}
			}
		case *types.Pointer:
			walk(u.Elem())
		case *types.Slice:
			walk(u.Elem())
		case *types.Array:
			walk(u.Elem())
		case *types.Map:
			walk(u.Elem())
		}
	}
	walk(t)
	return found
}

// fileConstraintOf returns the build constraint of the file that declares
// obj, an object of another package (read from the file's header), or "".
func (w *pkgWork) fileConstraintOf(obj types.Object) string {
	name := w.lp.Fset.Position(obj.Pos()).Filename
	if rest, ok := strings.CutPrefix(filepath.ToSlash(name), "$GOROOT/"); ok {
		root := ""
		if w.goroot != nil {
			root = w.goroot()
		}
		if root == "" {
			return ""
		}
		name = filepath.Join(root, filepath.FromSlash(rest))
	}
	if name == "" {
		return ""
	}
	if c, ok := w.constraints[name]; ok {
		return c
	}
	c := declFileConstraint(name)
	if w.constraints == nil {
		w.constraints = map[string]string{}
	}
	w.constraints[name] = c
	return c
}

// declConstraint returns the build constraint of the file that declares
// obj, a package-level object of the package, or "".
func (w *pkgWork) declConstraint(obj types.Object) string {
	name := w.lp.Fset.Position(obj.Pos()).Filename
	for _, f := range w.lp.Syntax {
		if w.lp.Fset.Position(f.Package).Filename == name {
			return fileConstraint(f, name)
		}
	}
	return ""
}

// collectExcluded reports annotations that the build leaves out: in files
// its build constraints exclude and in _test.go files. Their types would
// otherwise be skipped in silence.
func (w *pkgWork) collectExcluded() {
	for _, name := range w.excludedFiles() {
		w.scanExcluded(name)
	}
}

// excludedFiles returns the package's files this build leaves out: other
// builds' files and its _test.go files (not routigen_gen.go).
func (w *pkgWork) excludedFiles() []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range w.lp.IgnoredFiles {
		if filepath.Base(name) != FileName && strings.HasSuffix(name, ".go") {
			seen[name] = true
			out = append(out, name)
		}
	}
	if w.out.Dir == "" {
		return out
	}
	entries, _ := os.ReadDir(w.out.Dir)
	for _, e := range entries {
		name := filepath.Join(w.out.Dir, e.Name())
		if !e.IsDir() && strings.HasSuffix(e.Name(), "_test.go") && !seen[name] {
			out = append(out, name)
		}
	}
	return out
}

// checkExcludedNames reports the package-level declarations of the files
// this build leaves out that take a name routigen generates: another GOOS
// or tag, or go test (an internal test file), would not compile.
func (w *pkgWork) checkExcludedNames() {
	gen := map[string]*stateType{}
	for _, t := range w.types {
		gen[t.names.Accessor], gen[t.names.Of] = t, t
		if hasCodec(t) {
			gen[codecName(t)] = t
		}
	}
	for _, name := range w.excludedFiles() {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil || f.Name.Name != w.lp.Name {
			continue // unparsable (the go command says so), or an external test package
		}
		for _, id := range topLevelNames(f) {
			if t := gen[id.Name]; t != nil {
				w.errorf(fset.Position(id.Pos()), "%s is declared here, in a file this run does not build (another build's, or a test), but routigen generates %s for //routigen:state type %s (%s), so that build would not compile; rename %s or the state type", id.Name, id.Name, t.name, shortPos(t.pos), id.Name)
			}
		}
	}
}

// topLevelNames returns the identifiers f declares at package level.
func topLevelNames(f *ast.File) []*ast.Ident {
	var out []*ast.Ident
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				out = append(out, d.Name)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					out = append(out, s.Name)
				case *ast.ValueSpec:
					out = append(out, s.Names...)
				}
			}
		}
	}
	return out
}

// scanExcluded reports every annotation of a file the build leaves out.
func (w *pkgWork) scanExcluded(name string) {
	src, err := os.ReadFile(name)
	// Cheap before parsing: an exact directive, or a spelling Near
	// reports with the prefix's letters in order ("// routigen:",
	// "//Routigen:"); misspelt prefixes are found in built files only.
	if err != nil || !bytes.Contains(bytes.ToLower(src), []byte("routigen:")) {
		return
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return // the go command reports it when it builds that file
	}
	r := directive.ParseFile(f)
	for _, e := range fileErrors(f, r) {
		w.errorf(fset.Position(e.Pos), "%s", e.Msg)
	}
	test := strings.HasSuffix(name, "_test.go")
	for _, sd := range r.States {
		pos := fset.Position(sd.State.Pos)
		if test {
			w.errorf(pos, "state type %s is declared in a _test.go file, which routigen does not support (its accessors would have to live in test code); move %s to a file that is not a test", sd.Spec.Name.Name, sd.Spec.Name.Name)
			continue
		}
		why := ""
		if c := fileConstraint(f, name); c != "" {
			why = " (" + c + ")"
		}
		w.errorf(pos, "state type %s is declared in a file that this build leaves out%s; %s serves every build of the package, so move %s to a file without a build constraint", sd.Spec.Name.Name, why, FileName, sd.Spec.Name.Name)
	}
}

// fileConstraint returns the build constraint of a file, "" when it has
// none: its //go:build (or // +build) lines, else the GOOS and GOARCH its
// name selects.
func fileConstraint(f *ast.File, name string) string {
	var lines []string
	for _, cg := range f.Comments {
		if cg.Pos() >= f.Package {
			break
		}
		for _, c := range cg.List {
			if constraint.IsGoBuild(c.Text) || constraint.IsPlusBuild(c.Text) {
				lines = append(lines, c.Text)
			}
		}
	}
	if len(lines) > 0 {
		return lines[0]
	}
	if usesCgo(f) {
		return `import "C" (cgo)`
	}
	if c := nameConstraint(filepath.Base(name)); c != "" {
		return "file name suffix _" + c
	}
	return ""
}

// nameConstraint returns the GOOS, GOARCH or GOOS_GOARCH a file name
// selects (as go/build reads name_GOOS_GOARCH.go), or "".
func nameConstraint(name string) string {
	name = strings.TrimSuffix(strings.TrimSuffix(name, ".go"), "_test")
	i := strings.IndexByte(name, '_')
	if i < 0 {
		return "" // "linux.go" alone is not a constraint
	}
	l := strings.Split(name[i:], "_") // "x_linux_amd64" -> "", "linux", "amd64"
	n := len(l)
	switch {
	case n >= 3 && knownOS[l[n-2]] && knownArch[l[n-1]]:
		return l[n-2] + "_" + l[n-1]
	case n >= 2 && (knownOS[l[n-1]] || knownArch[l[n-1]]):
		return l[n-1]
	}
	return ""
}

// knownOS and knownArch are the GOOS and GOARCH values go/build reads in
// file names (go/build's syslist).
var (
	knownOS   = setOf("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos")
	knownArch = setOf("386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm")
)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// fileErrors returns the directive errors of f (r is its parse) and the
// comments that look like a directive but are not read as one ("//
// routigen:state", see directive.Near): Go would ignore them, and the type
// would silently get no accessors. The checks report the same ones.
func fileErrors(f *ast.File, r directive.Result) []*directive.Error {
	errs := r.Errors
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if e := directive.Near(c); e != nil {
				errs = append(errs, e)
			}
		}
	}
	return errs
}

// usesCgo reports whether f is a cgo file, which the build leaves out when
// cgo is off (CGO_ENABLED=0, most cross builds): an implicit constraint.
// The loader hands over such a file as cgo rewrote it, import "C" gone and
// a "Code generated by cmd/cgo" comment above the package clause; a file
// parsed from its source still imports "C".
func usesCgo(f *ast.File) bool {
	for _, im := range f.Imports {
		if im.Path.Value == `"C"` {
			return true
		}
	}
	for _, cg := range f.Comments {
		if cg.Pos() >= f.Package {
			break
		}
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "// Code generated by cmd/cgo;") {
				return true
			}
		}
	}
	return false
}

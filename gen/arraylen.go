package gen

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// One routigen_gen.go serves every build, and it spells an anonymous array
// type with its length evaluated for this one: [8]byte where the source
// says [bits.UintSize / 8]byte. Where the length differs between builds
// (GOARCH, GOOS, build tags), the file would not compile, so such a length
// is an error at the field. A named array type is spelled by its name and
// is fine wherever it is declared.

// checkArrayLengths reports the array lengths that the generated code for
// t spells and that may differ between builds: in t's field declarations
// (spec, in file f), the whole type of a field with accessors and the
// pointer targets of the others (the copy's memo names them); in the
// declarations of the package's other types the copy goes through, their
// pointer targets.
func (w *pkgWork) checkArrayLengths(t *stateType, spec *ast.TypeSpec, f *ast.File) {
	st, ok := spec.Type.(*ast.StructType)
	if !ok {
		return
	}
	acc := map[string]bool{}
	for _, af := range t.fields {
		acc[af.name] = true
	}
	for _, fld := range st.Fields.List {
		if len(fld.Names) == 0 {
			continue // embedded: a named type, spelled by its name
		}
		whole := false
		for _, n := range fld.Names {
			whole = whole || acc[n.Name]
		}
		w.variantArrays(fld.Type, f, whole, fmt.Sprintf("field %s of %s", fld.Names[0].Name, t.name))
	}
	for _, n := range w.copiedLocalTypes(t) {
		ts, tf := w.typeSpec(n.Obj())
		if ts == nil {
			continue
		}
		w.variantArrays(ts.Type, tf, false, fmt.Sprintf("type %s (which the copy of %s goes through)", n.Obj().Name(), t.name))
	}
}

// variantArrays reports the array types in e (of file f) whose length may
// differ between builds: all of them if whole, else the pointer targets.
// what names the declaration for the message.
func (w *pkgWork) variantArrays(e ast.Expr, f *ast.File, whole bool, what string) {
	ast.Inspect(e, func(n ast.Node) bool {
		var at *ast.ArrayType
		switch n := n.(type) {
		case *ast.ArrayType:
			if whole {
				at = n
			}
		case *ast.StarExpr:
			if !whole {
				// The memo spells the pointer's type only where the
				// copy follows it: its target holds a slice or map.
				if a, ok := n.X.(*ast.ArrayType); ok && w.holdsCollection(a.Elt, f) {
					at = a
				}
			}
		}
		if at == nil || at.Len == nil {
			return true
		}
		if _, ell := at.Len.(*ast.Ellipsis); ell || w.invariant(at.Len, f, map[types.Object]bool{}) {
			return true
		}
		pos := w.lp.Fset.Position(at.Len.Pos())
		if w.arraysReported[pos] {
			return true
		}
		if w.arraysReported == nil {
			w.arraysReported = map[token.Position]bool{}
		}
		w.arraysReported[pos] = true
		length := types.ExprString(at.Len)
		w.errorf(pos, "%s: the array length %s may differ between builds (GOARCH, GOOS, build tags), but %s serves every build and spells the length of this one; declare a named type for the array (type Name [%s]T) and use it, or use a length that is the same in every build",
			what, length, FileName, length)
		return true
	})
}

// holdsCollection reports whether the type expression e (of file f) holds
// a slice or map the copy follows; a generic instance counts as holding
// one (the expression alone does not say).
func (w *pkgWork) holdsCollection(e ast.Expr, f *ast.File) bool {
	switch e := e.(type) {
	case *ast.ArrayType:
		return e.Len == nil || w.holdsCollection(e.Elt, f)
	case *ast.MapType:
		return true
	case *ast.StarExpr:
		return w.holdsCollection(e.X, f)
	case *ast.ParenExpr:
		return w.holdsCollection(e.X, f)
	case *ast.StructType:
		for _, fld := range e.Fields.List {
			if w.holdsCollection(fld.Type, f) {
				return true
			}
		}
		return false
	case *ast.Ident:
		obj := w.lp.Types.Scope().Lookup(e.Name)
		for _, imp := range dotImports(f) {
			if obj == nil {
				obj = w.importedObj(imp, e.Name)
			}
		}
		return obj != nil && w.plan.needsDeep(obj.Type())
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			obj := w.importedObj(w.importPath(f, x.Name), e.Sel.Name)
			return obj != nil && w.plan.needsDeep(obj.Type())
		}
	case *ast.IndexExpr, *ast.IndexListExpr:
		return true
	}
	return false
}

// copiedLocalTypes returns the package's named types, other than t, whose
// values the copy of t goes through (along slices, arrays, maps, pointers
// and struct fields), in the order met.
func (w *pkgWork) copiedLocalTypes(t *stateType) []*types.Named {
	var out []*types.Named
	seen := map[types.Type]bool{}
	var walk func(types.Type)
	walk = func(x types.Type) {
		x = types.Unalias(x)
		if seen[x] || !w.plan.needsDeep(x) {
			return
		}
		seen[x] = true
		if n, ok := x.(*types.Named); ok && n.Obj() != t.obj && isLocal(n.Obj(), w.lp.PkgPath) {
			out = append(out, n)
		}
		switch u := x.Underlying().(type) {
		case *types.Pointer:
			walk(u.Elem())
		case *types.Slice:
			walk(u.Elem())
		case *types.Array:
			walk(u.Elem())
		case *types.Map:
			walk(u.Elem())
		case *types.Struct:
			for f := range u.Fields() {
				if w.plan.reachable(f) {
					walk(f.Type())
				}
			}
		}
	}
	walk(t.obj.Type())
	return out
}

// typeSpec returns the declaration of the package-level type obj and its
// file, or nil.
func (w *pkgWork) typeSpec(obj types.Object) (*ast.TypeSpec, *ast.File) {
	for _, f := range w.lp.Syntax {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				if ts := s.(*ast.TypeSpec); ts.Name.Pos() == obj.Pos() {
					return ts, f
				}
			}
		}
	}
	return nil, nil
}

// invariant reports whether the constant expression e of file f has the
// same value in every build: literals, and constants of files without a
// build constraint whose values are invariant too. Sizes (unsafe), the
// word size (math/bits.UintSize, strconv.IntSize) and the constants of
// runtime, syscall and golang.org/x/sys vary; other packages' constants are
// taken as invariant unless their file has a build constraint.
func (w *pkgWork) invariant(e ast.Expr, f *ast.File, seen map[types.Object]bool) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return w.invariant(e.X, f, seen)
	case *ast.UnaryExpr:
		return w.invariant(e.X, f, seen)
	case *ast.BinaryExpr:
		return w.invariant(e.X, f, seen) && w.invariant(e.Y, f, seen)
	case *ast.Ident:
		if obj := w.lp.Types.Scope().Lookup(e.Name); obj != nil {
			return w.constInvariant(obj, seen)
		}
		for _, imp := range dotImports(f) {
			if obj := w.importedObj(imp, e.Name); obj != nil {
				return w.constInvariant(obj, seen)
			}
		}
		return e.Name == "true" || e.Name == "false" || e.Name == "iota"
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		if !ok {
			return false
		}
		path := w.importPath(f, x.Name)
		if obj := w.importedObj(path, e.Sel.Name); obj != nil {
			return w.constInvariant(obj, seen)
		}
		return false
	case *ast.CallExpr:
		// len of a string constant, or a conversion of a constant.
		if fun, ok := e.Fun.(*ast.Ident); ok && w.lp.Types.Scope().Lookup(fun.Name) == nil && len(e.Args) == 1 {
			if _, ok := types.Universe.Lookup(fun.Name).(*types.TypeName); ok || fun.Name == "len" {
				return w.invariant(e.Args[0], f, seen)
			}
		}
	}
	return false
}

// constInvariant reports whether obj is a constant with the same value in
// every build (see invariant).
func (w *pkgWork) constInvariant(obj types.Object, seen map[types.Object]bool) bool {
	if _, ok := obj.(*types.Const); !ok || obj.Pkg() == nil {
		return false
	}
	if seen[obj] {
		return true
	}
	seen[obj] = true
	path := obj.Pkg().Path()
	switch {
	case path == "unsafe", path == "runtime", path == "syscall", strings.HasPrefix(path, "golang.org/x/sys/"),
		path == "math/bits" && obj.Name() == "UintSize", path == "strconv" && obj.Name() == "IntSize":
		return false
	}
	pos := w.lp.Fset.Position(obj.Pos())
	if path != w.lp.PkgPath {
		return w.fileConstraintOf(obj) == ""
	}
	for _, f := range w.lp.Syntax {
		if w.lp.Fset.Position(f.Package).Filename != pos.Filename {
			continue
		}
		if fileConstraint(f, pos.Filename) != "" {
			return false
		}
		if v := constValue(f, obj.Pos()); v != nil {
			return w.invariant(v, f, seen)
		}
	}
	return false
}

// constValue returns the value expression of the constant declared at pos
// in f, following the implicit repetition of a const group.
func constValue(f *ast.File, pos token.Pos) ast.Expr {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		var last []ast.Expr
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			if len(vs.Values) > 0 {
				last = vs.Values
			}
			for i, n := range vs.Names {
				if n.Pos() == pos && i < len(last) {
					return last[i]
				}
			}
		}
	}
	return nil
}

// declFileConstraint returns the build constraint of a file of another
// package, read from its header, or "".
func declFileConstraint(name string) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		return ""
	}
	return fileConstraint(f, name)
}

// importedObj looks name up in the package of the run's imports with that
// path, or returns nil.
func (w *pkgWork) importedObj(path, name string) types.Object {
	if path == "" {
		return nil
	}
	for _, p := range w.lp.Types.Imports() {
		if p.Path() == path {
			return p.Scope().Lookup(name)
		}
	}
	return nil
}

// importPath returns the path of the import of f named name, or "".
func (w *pkgWork) importPath(f *ast.File, name string) string {
	for _, s := range f.Imports {
		path, err := strconv.Unquote(s.Path.Value)
		if err != nil {
			continue
		}
		if s.Name != nil {
			if s.Name.Name == name {
				return path
			}
			continue
		}
		for _, p := range w.lp.Types.Imports() {
			if p.Path() == path && p.Name() == name {
				return path
			}
		}
	}
	return ""
}

// dotImports returns the paths f imports with a dot.
func dotImports(f *ast.File) []string {
	var out []string
	for _, s := range f.Imports {
		if s.Name != nil && s.Name.Name == "." {
			if path, err := strconv.Unquote(s.Path.Value); err == nil {
				out = append(out, path)
			}
		}
	}
	return out
}

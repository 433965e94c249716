package gen

import (
	"bytes"
	"fmt"
	"go/token"
	"go/types"
	"maps"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/dave/jennifer/jen"

	"github.com/routigen/routigen/internal/directive"
)

const runtimePath = "github.com/routigen/routigen/runtime"

// renderer renders the generated file of one package.
type renderer struct {
	w       *pkgWork
	path    string
	scope   *types.Scope
	imports map[string]string // path -> package name, of every import used
	locals  map[string]bool   // local identifiers the code uses
	taken   map[string]bool   // names imports must not take
	plan    *copyPlan
	// builtins are the predeclared identifiers the code names, checked
	// against the package's declarations once it is rendered.
	builtins map[string]bool
}

// renderAll renders every package without errors that has state types,
// packages in parallel (up to GOMAXPROCS at once): rendering is most of a
// run's own work, and packages share nothing but the type-checked types,
// which are safe for concurrent reads.
func renderAll(works []*pkgWork) {
	sem := make(chan struct{}, goruntime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, w := range works {
		if len(w.out.Errors) > 0 || len(w.types) == 0 || w.out.Content != nil {
			continue // nothing to render, or taken from the cache
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			renderOne(w)
		})
	}
	wg.Wait()
}

// renderOne renders one package into its Content, or records why not.
func renderOne(w *pkgWork) {
	content, err := render(w)
	if err != nil {
		w.out.Errors = append(w.out.Errors, &Error{
			Pos: token.Position{Filename: w.out.File},
			Msg: fmt.Sprintf("render %s: %v (this is a routigen bug; please report it)", w.out.Path, err),
			Err: err,
		})
		return
	}
	w.out.Content = content
}

func newRenderer(w *pkgWork) *renderer {
	return &renderer{
		w:        w,
		path:     w.lp.PkgPath,
		scope:    w.lp.Types.Scope(),
		imports:  map[string]string{},
		locals:   map[string]bool{},
		taken:    map[string]bool{},
		plan:     w.plan,
		builtins: map[string]bool{},
	}
}

// importNames returns the name of every import the code used: the
// package's own name unless a package-level identifier, a local of the
// generated code, a generated name or an earlier import (in path order)
// holds it; then an alias (name1, name2, ...).
func (r *renderer) importNames() map[string]string {
	paths := make([]string, 0, len(r.imports))
	for p := range r.imports {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	out := make(map[string]string, len(paths))
	for _, p := range paths {
		name := r.imports[p]
		alias := name
		for n := 1; r.taken[alias] || r.locals[alias] || r.scope.Lookup(alias) != nil || token.IsKeyword(alias) || slices.Contains(predeclared, alias); n++ {
			alias = name + strconv.Itoa(n)
		}
		r.taken[alias] = true
		out[p] = alias
	}
	return out
}

// render renders the generated file of w: a jennifer tree, formatted by
// go/format (jennifer's Render).
// A nil result without error: the package declares a name the code
// needs, reported into w.
func render(w *pkgWork) ([]byte, error) {
	r := newRenderer(w)
	var body []jen.Code
	for _, t := range w.types {
		body = append(body, r.stateType(t)...)
		body = append(body, r.codec(t)...)
		r.taken[t.names.Accessor] = true
		r.taken[t.names.Of] = true
	}

	f := jen.NewFilePathName(r.path, w.lp.Name)
	f.HeaderComment(Header)
	f.HeaderComment("//go:build !" + BuildTag)
	for p, alias := range r.importNames() {
		if alias == r.imports[p] {
			f.ImportName(p, alias)
		} else {
			f.ImportAlias(p, alias)
		}
	}
	for _, c := range body {
		f.Add(c)
	}
	if r.shadowed() {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// builtin names the predeclared identifier name and records it: a
// package-level declaration of it would change what the code means.
func (r *renderer) builtin(name string) *jen.Statement {
	r.builtins[name] = true
	return jen.Id(name)
}

// anyType is the empty interface: any, or interface{} in a package that
// declares its own any (code older than Go 1.18 may).
func (r *renderer) anyType() *jen.Statement {
	if r.scope.Lookup("any") != nil {
		return jen.Interface()
	}
	return r.builtin("any")
}

// byteSlice is []byte, or []uint8 in a package that declares its own byte.
func (r *renderer) byteSlice() *jen.Statement {
	if r.scope.Lookup("byte") != nil {
		return jen.Index().Add(r.builtin("uint8"))
	}
	return jen.Index().Add(r.builtin("byte"))
}

// shadowed reports, at its declaration, every predeclared identifier the
// code names that the package declares at package level (checkNames has
// reported the ones every file names): the code would not compile, or
// worse, mean something else. It returns whether there was one.
func (r *renderer) shadowed() bool {
	found := false
	for _, name := range slices.Sorted(maps.Keys(r.builtins)) {
		if p, ok := r.w.declared(name); ok {
			r.w.errorf(p, "package-level %s redeclares the predeclared identifier that generated code uses; rename it", name)
			found = true
		}
	}
	return found
}

// qual names an identifier of another package and records the import.
func (r *renderer) qual(pkg *types.Package, name string) *jen.Statement {
	if pkg.Path() != r.path {
		r.imports[pkg.Path()] = pkg.Name()
	}
	return jen.Qual(pkg.Path(), name)
}

func (r *renderer) qualPath(path, pkgName, name string) *jen.Statement {
	r.imports[path] = pkgName
	return jen.Qual(path, name)
}

// local returns a local identifier based on name that shadows no
// package-level identifier.
func (r *renderer) local(name string) string {
	for r.scope.Lookup(name) != nil {
		name += "_"
	}
	r.locals[name] = true
	return name
}

// stateType renders the accessor type, TOf and the methods of t.
func (r *renderer) stateType(t *stateType) []jen.Code {
	tr := &typeRender{r: r, t: t, T: jen.Id(t.name)}
	tr.a, tr.s, tr.v = r.local("a"), r.local("s"), r.local("v")
	tr.accessorType()
	tr.of()
	for _, f := range t.fields {
		tr.field(f)
	}
	tr.wholeValue()
	tr.updateAndKey()
	return tr.out
}

// typeRender renders the declarations of one state type, in order, into
// out; a, s and v are the names of the receiver, the locked value and the
// value in hand.
type typeRender struct {
	r       *renderer
	t       *stateType
	T       *jen.Statement
	a, s, v string
	out     []jen.Code
}

func (tr *typeRender) scope() string {
	if tr.t.dir.Scope == directive.ScopeWorker {
		return "worker"
	}
	return "job"
}

func (tr *typeRender) cell() *jen.Statement { return jen.Id(tr.a).Dot("cell") }

func (tr *typeRender) rlock() []jen.Code {
	return []jen.Code{
		jen.Id(tr.s).Op(":=").Add(tr.cell()).Dot("RLock").Call(),
		jen.Defer().Add(tr.cell()).Dot("RUnlock").Call(),
	}
}

func (tr *typeRender) wlock() []jen.Code {
	return []jen.Code{
		jen.Id(tr.s).Op(":=").Add(tr.cell()).Dot("Lock").Call(),
		jen.Defer().Add(tr.cell()).Dot("Unlock").Call(),
	}
}

func (tr *typeRender) method(name string) *jen.Statement {
	return jen.Func().Params(jen.Id(tr.a).Id(tr.t.names.Accessor)).Id(name)
}

// comment adds a doc comment, wrapped.
func (tr *typeRender) comment(parts ...string) {
	for _, l := range wrap(strings.Join(parts, " "), 76) {
		tr.out = append(tr.out, jen.Comment(l))
	}
}

// decl adds a declaration and the blank line after it.
func (tr *typeRender) decl(c jen.Code) { tr.out = append(tr.out, c, jen.Line()) }

// accessorType renders TAccessor.
func (tr *typeRender) accessorType() {
	t, acc := tr.t, tr.t.names.Accessor
	where := "the job's JobContext; it is gone when the job ends"
	if t.dir.Scope == directive.ScopeWorker {
		where = "the worker's WorkerState; it lives across the worker's jobs"
	}
	tr.comment(
		fmt.Sprintf("%s reads and writes the %s-scope %s of %s,", acc, tr.scope(), t.name, nsOwner(t.dir.Shared, tr.scope())),
		fmt.Sprintf("stored in %s. Get one from %s.", where, t.names.Of),
		"Every method is safe for concurrent use with every other.",
	)
	tr.decl(jen.Type().Id(acc).Struct(
		jen.Id("cell").Op("*").Add(tr.r.qualPath(runtimePath, "runtime", "Cell")).Index(tr.T.Clone()),
	))
}

// of renders TOf.
func (tr *typeRender) of() {
	r, t, acc, of := tr.r, tr.t, tr.t.names.Accessor, tr.t.names.Of
	cellFn, sharing, ns := "JobCell", "PerRoutine", "the routine id of the activation"
	if t.dir.Scope == directive.ScopeWorker {
		cellFn = "WorkerCell"
	}
	if t.dir.Shared {
		sharing, ns = "PerFlow", "the flow, so every routine of the "+tr.scope()+" sees the same value"
	}
	ctx, c, err := r.local("ctx"), r.local("c"), r.local("err")
	fails := "runtime.ErrNoJob when ctx carries no job"
	switch {
	case t.dir.Scope == directive.ScopeWorker:
		fails = "runtime.ErrNoRoutine when ctx carries no routine activation (and so no worker)"
	case !t.dir.Shared:
		fails += ", and runtime.ErrNoRoutine when it carries no routine activation"
	}
	tr.comment(
		fmt.Sprintf("%s returns the accessor of the %s-scope %s in ctx, namespaced by", of, tr.scope(), t.name),
		ns+". It fails fast: the error wraps",
		fails+".",
	)
	tr.decl(jen.Func().Id(of).Params(jen.Id(ctx).Add(r.qualPath("context", "context", "Context"))).Params(jen.Id(acc), r.builtin("error")).Block(
		jen.List(jen.Id(c), jen.Id(err)).Op(":=").Add(r.qualPath(runtimePath, "runtime", cellFn)).Index(tr.T.Clone()).Call(
			append([]jen.Code{jen.Id(ctx), jen.Lit(t.storage), r.qualPath(runtimePath, "runtime", sharing)}, r.codecArg(t)...)...),
		jen.If(jen.Id(err).Op("!=").Add(r.builtin("nil"))).Block(
			jen.Return(jen.Id(acc).Values(), r.qualPath("fmt", "fmt", "Errorf").Call(jen.Lit(of+": %w"), jen.Id(err))),
		),
		jen.Return(jen.Id(acc).Values(jen.Dict{jen.Id("cell"): jen.Id(c)}), r.builtin("nil")),
	))
}

// field renders the getter and setter of f: copies for a field that holds
// a slice or map, else a plain read (an atomic word for a scalar) and
// write.
func (tr *typeRender) field(f accField) {
	r, s, v := tr.r, tr.s, tr.v
	get, set := directive.FieldMethods(f.name)
	typ := r.typ(f.typ)
	if r.plan.needsDeep(f.typ) {
		tr.comment(fmt.Sprintf("%s returns a copy of the %s field that shares no slice or map with the stored value.", get, f.name))
		body := tr.rlock()
		body = append(body, jen.Id(v).Op(":=").Id(s).Dot(f.name))
		body = append(body, r.deepen(jen.Id(v), f.typ)...)
		body = append(body, jen.Return(jen.Id(v)))
		tr.decl(tr.method(get).Params().Add(typ.Clone()).Block(body...))
		tr.comment(fmt.Sprintf("%s stores a copy of v, sharing no slice or map with it, as the %s field.", set, f.name))
		body = r.deepen(jen.Id(v), f.typ)
		body = append(body, tr.wlock()...)
		body = append(body, jen.Id(s).Dot(f.name).Op("=").Id(v))
		tr.decl(tr.method(set).Params(jen.Id(v).Add(typ)).Block(body...))
		return
	}
	// A plain copy cannot panic, so no defer: the read is as cheap as the
	// lock.
	tr.comment(fmt.Sprintf("%s returns the %s field.", get, f.name))
	var body []jen.Code
	if w, ok := scalarWord(tr.t.obj.Type(), f.name); ok {
		// The cell keeps the field in an atomic word too (see
		// runtime.Cell.Word): no lock.
		body = append(body, jen.Return(r.fromWord(f.typ, tr.cell().Dot("Word").Call(jen.Lit(w)))))
	} else {
		body = append(body,
			jen.Id(v).Op(":=").Add(tr.cell()).Dot("RLock").Call().Dot(f.name),
			tr.cell().Dot("RUnlock").Call(),
			jen.Return(jen.Id(v)),
		)
	}
	tr.decl(tr.method(get).Params().Add(typ.Clone()).Block(body...))
	tr.comment(fmt.Sprintf("%s sets the %s field.", set, f.name))
	tr.decl(tr.method(set).Params(jen.Id(v).Add(typ)).Block(
		tr.cell().Dot("Lock").Call().Dot(f.name).Op("=").Id(v),
		tr.cell().Dot("Unlock").Call(),
	))
}

// wholeValue renders Load and Store.
func (tr *typeRender) wholeValue() {
	r, t, s, v := tr.r, tr.t, tr.s, tr.v
	named := t.obj.Type()
	tr.comment(
		fmt.Sprintf("Load returns a copy of the whole %s, unexported and untracked fields", t.name),
		"included, that shares no slice or map with the stored value. Pointers to",
		"what holds a slice or map point to copies (cycles and aliasing kept);",
		"other pointers, error values, funcs and channels are copied as they are.",
	)
	body := tr.rlock()
	body = append(body, jen.Id(v).Op(":=").Op("*").Id(s))
	body = append(body, r.deepen(jen.Id(v), named)...)
	body = append(body, jen.Return(jen.Id(v)))
	tr.decl(tr.method("Load").Params().Add(tr.T.Clone()).Block(body...))

	tr.comment(
		fmt.Sprintf("Store replaces the stored %s with a copy of v that shares no slice or", t.name),
		"map with it.",
	)
	body = r.deepen(jen.Id(v), named)
	body = append(body, tr.wlock()...)
	body = append(body, jen.Op("*").Id(s).Op("=").Id(v))
	tr.decl(tr.method("Store").Params(jen.Id(v).Add(tr.T.Clone())).Block(body...))
}

// updateAndKey renders Update and Key.
func (tr *typeRender) updateAndKey() {
	fn := tr.r.local("fn")
	tr.comment(
		fmt.Sprintf("Update runs fn on the stored %s under the write lock: an atomic", tr.t.name),
		"read-modify-write. fn must not keep the pointer, nor call methods of the",
		"accessor.",
	)
	tr.decl(tr.method("Update").Params(jen.Id(fn).Func().Params(jen.Op("*").Add(tr.T.Clone()))).Block(
		tr.cell().Dot("Update").Call(jen.Id(fn)),
	))
	keyDoc := "and the routine id"
	if tr.t.dir.Shared {
		keyDoc = "and the flow id"
	}
	tr.comment(fmt.Sprintf("Key returns the namespaced storage key: the storage name %s.", keyDoc))
	tr.decl(tr.method("Key").Params().Add(tr.r.builtin("string")).Block(jen.Return(tr.cell().Dot("Key").Call())))
}

// scalarWord returns the index of field name among the scalar fields of
// the state type t, which is how runtime.Cell numbers its atomic words:
// the fields whose type has a boolean, integer or float32/float64
// underlying type, in declaration order, unexported and untracked ones
// included (the runtime finds the same with reflect). ok is false for a
// field of any other type: its getter takes the lock.
func scalarWord(t types.Type, name string) (i int, ok bool) {
	st, isStruct := t.Underlying().(*types.Struct)
	if !isStruct {
		return 0, false
	}
	for k := range st.NumFields() {
		f := st.Field(k)
		if !isScalar(f.Type()) {
			continue
		}
		if f.Name() == name {
			return i, true
		}
		i++
	}
	return 0, false
}

func isScalar(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	if !ok {
		return false
	}
	switch b.Kind() {
	case types.Bool,
		types.Int, types.Int8, types.Int16, types.Int32, types.Int64,
		types.Uint, types.Uint8, types.Uint16, types.Uint32, types.Uint64, types.Uintptr,
		types.Float32, types.Float64:
		return true
	}
	return false
}

// fromWord converts word, a uint64 holding the bits of a scalar field of
// type t (see runtime.Cell.Word), back to t.
func (r *renderer) fromWord(t types.Type, word *jen.Statement) *jen.Statement {
	b := t.Underlying().(*types.Basic)
	var v *jen.Statement
	switch b.Kind() {
	case types.Bool:
		return word.Op("!=").Lit(0) // an untyped bool: assignable to t
	case types.Float32:
		v = r.qualPath("math", "math", "Float32frombits").Call(r.builtin("uint32").Call(word))
		if types.Identical(t, types.Typ[types.Float32]) {
			return v
		}
	case types.Float64:
		v = r.qualPath("math", "math", "Float64frombits").Call(word)
		if types.Identical(t, types.Typ[types.Float64]) {
			return v
		}
	default:
		if types.Identical(t, types.Typ[types.Uint64]) {
			return word
		}
		v = word
	}
	return r.typ(t).Call(v)
}

func nsOwner(shared bool, scope string) string {
	if shared {
		return "the flow (shared by every routine of the " + scope + ")"
	}
	return "one routine instance"
}

// typ renders a type expression.
func (r *renderer) typ(t types.Type) *jen.Statement {
	switch t := t.(type) {
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			return r.qualPath("unsafe", "unsafe", "Pointer")
		}
		return r.builtin(t.Name())
	case *types.Alias:
		obj := t.Obj()
		if obj.Pkg() == nil {
			return r.builtin(obj.Name()) // any
		}
		s := r.qual(obj.Pkg(), obj.Name())
		if args := t.TypeArgs(); args.Len() > 0 {
			s = s.Types(r.typeList(args)...)
		}
		return s
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() == nil {
			return r.builtin(obj.Name()) // error, comparable
		}
		s := r.qual(obj.Pkg(), obj.Name())
		if args := t.TypeArgs(); args.Len() > 0 {
			s = s.Types(r.typeList(args)...)
		}
		return s
	case *types.Pointer:
		return jen.Op("*").Add(r.typ(t.Elem()))
	case *types.Slice:
		return jen.Index().Add(r.typ(t.Elem()))
	case *types.Array:
		return jen.Index(jen.Lit(int(t.Len()))).Add(r.typ(t.Elem()))
	case *types.Map:
		return jen.Map(r.typ(t.Key())).Add(r.typ(t.Elem()))
	case *types.Chan:
		switch t.Dir() {
		case types.SendOnly:
			return jen.Chan().Op("<-").Add(r.typ(t.Elem()))
		case types.RecvOnly:
			return jen.Op("<-").Chan().Add(r.typ(t.Elem()))
		}
		if e, ok := t.Elem().(*types.Chan); ok && e.Dir() == types.RecvOnly {
			// chan <-chan T would parse as chan<- chan T.
			return jen.Chan().Parens(r.typ(t.Elem()))
		}
		return jen.Chan().Add(r.typ(t.Elem()))
	case *types.Signature:
		return jen.Func().Add(r.signature(t))
	case *types.Struct:
		return r.structType(t)
	case *types.Interface:
		return r.interfaceType(t)
	case *types.Union:
		return r.unionType(t)
	}
	// Unreachable for types a struct field can have.
	return jen.Id(types.TypeString(t, func(p *types.Package) string { return p.Name() }))
}

// structType spells an anonymous struct type, tags included.
func (r *renderer) structType(t *types.Struct) *jen.Statement {
	var fields []jen.Code
	for i := range t.NumFields() {
		f := t.Field(i)
		var fc *jen.Statement
		if f.Embedded() {
			fc = r.typ(f.Type())
		} else {
			fc = jen.Id(f.Name()).Add(r.typ(f.Type()))
		}
		if tag := t.Tag(i); tag != "" {
			fc = fc.Add(jen.Id(tagLit(tag)))
		}
		fields = append(fields, fc)
	}
	return jen.Struct(fields...)
}

// interfaceType spells an interface literal: embedded types, then methods.
func (r *renderer) interfaceType(t *types.Interface) *jen.Statement {
	var elems []jen.Code
	for e := range t.EmbeddedTypes() {
		elems = append(elems, r.typ(e))
	}
	for m := range t.ExplicitMethods() {
		elems = append(elems, jen.Id(m.Name()).Add(r.signature(m.Type().(*types.Signature))))
	}
	return jen.Interface(elems...)
}

// unionType spells a constraint's union of terms.
func (r *renderer) unionType(t *types.Union) *jen.Statement {
	var terms []jen.Code
	for i := range t.Len() {
		term := t.Term(i)
		c := r.typ(term.Type())
		if term.Tilde() {
			c = jen.Op("~").Add(c)
		}
		if i > 0 {
			terms = append(terms, jen.Op("|"))
		}
		terms = append(terms, c)
	}
	return jen.Add(terms...)
}

func (r *renderer) typeList(l *types.TypeList) []jen.Code {
	var out []jen.Code
	for t := range l.Types() {
		out = append(out, r.typ(t))
	}
	return out
}

// signature renders the parameter and result lists of a func type.
func (r *renderer) signature(s *types.Signature) *jen.Statement {
	var params, results []jen.Code
	for i := range s.Params().Len() {
		p := s.Params().At(i)
		if s.Variadic() && i == s.Params().Len()-1 {
			params = append(params, jen.Op("...").Add(r.typ(p.Type().(*types.Slice).Elem())))
			continue
		}
		params = append(params, r.typ(p.Type()))
	}
	for v := range s.Results().Variables() {
		results = append(results, r.typ(v.Type()))
	}
	st := jen.Params(params...)
	switch len(results) {
	case 0:
	case 1:
		st = st.Add(results[0])
	default:
		st = st.Params(results...)
	}
	return st
}

// wrap breaks text into lines of at most width bytes (longer words stand
// alone).
func wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, w := range strings.Fields(text) {
		if cur.Len() > 0 && cur.Len()+1+len(w) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// tagLit writes a struct tag as a raw string literal, as people do, unless
// it holds a backquote.
func tagLit(tag string) string {
	if strings.Contains(tag, "`") || !strconv.CanBackquote(tag) {
		return strconv.Quote(tag)
	}
	return "`" + tag + "`"
}

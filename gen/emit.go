package gen

import (
	"bytes"
	"fmt"
	"go/format"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"github.com/routigen/routigen/internal/directive"
)

// The fast path. Jennifer builds a token tree and go/format then parses and
// prints the whole file again; for a package of a thousand state types that
// is most of a run. The emitter below writes the same file directly, already
// gofmt-formatted; only anonymous struct and interface types, which gofmt
// lays out over several lines with aligned columns, go through go/format
// (each distinct one once). The jennifer renderer (render.go) stays as the
// reference: tests check that both write the same bytes for every golden
// case, and that the output is gofmt-clean.

// Import qualifiers are written as qualMark+index+padding+qualEnd and
// replaced by the import's name once every import is known.
const (
	qualMark   = "\x01"
	qualEnd    = "\x02"
	qualPad    = "\x05"
	layoutMark = "\x03"
	layoutEnd  = "\x04"
)

// emitter writes gofmt-formatted Go source.
type emitter struct {
	r     *renderer
	buf   bytes.Buffer
	multi []string          // raw multi-line types, by placeholder index
	marks map[string]string // import path -> mark
	paths []string          // import paths, by mark index
	index map[string]int
}

// ln writes one line: depth tabs, then parts.
func (e *emitter) ln(depth int, parts ...string) {
	writeLine(&e.buf, depth, parts)
}

func writeLine(b *bytes.Buffer, depth int, parts []string) {
	for range depth {
		b.WriteByte('\t')
	}
	for _, p := range parts {
		b.WriteString(p)
	}
	b.WriteByte('\n')
}

// doc writes parts, joined by spaces, as a comment wrapped at 76 columns
// of text (as wrap does).
func (e *emitter) doc(parts ...string) {
	n := 0 // length of the current line's text
	for _, part := range parts {
		for len(part) > 0 {
			i := 0
			for i < len(part) && part[i] == ' ' {
				i++
			}
			part = part[i:]
			j := strings.IndexByte(part, ' ')
			if j < 0 {
				j = len(part)
			}
			word := part[:j]
			part = part[j:]
			if word == "" {
				continue
			}
			switch {
			case n == 0:
				e.buf.WriteString("// ")
			case n+1+len(word) > 76:
				e.buf.WriteString("\n// ")
				n = 0
			default:
				e.buf.WriteByte(' ')
				n++
			}
			e.buf.WriteString(word)
			n += len(word)
		}
	}
	if n > 0 {
		e.buf.WriteByte('\n')
	}
}

// q returns the marked qualifier of an import.
func (e *emitter) q(path, name string) string {
	if path == e.r.path {
		return ""
	}
	if m, ok := e.marks[path]; ok {
		return m
	}
	e.r.imports[path] = name
	// The mark is an index, padded to be longer than any name the import
	// can get (its name plus a number below 100), so marks can be
	// resolved in place.
	idx := strconv.Itoa(len(e.paths))
	m := qualMark + idx + strings.Repeat(qualPad, max(0, len(name)-len(idx))) + qualEnd + "."
	if e.marks == nil {
		e.marks = map[string]string{}
	}
	e.marks[path] = m
	e.paths = append(e.paths, path)
	return m
}

// markName returns the import name a mark's key (index and padding) stands
// for.
func (e *emitter) markName(key []byte, names map[string]string) string {
	n, _ := strconv.Atoi(string(bytes.TrimRight(key, qualPad)))
	return names[e.paths[n]]
}

// typeStr renders a type expression on one line.
func (e *emitter) typeStr(t types.Type) string {
	switch t := t.(type) {
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			return e.q("unsafe", "unsafe") + "Pointer"
		}
		return t.Name()
	case *types.Alias:
		return e.namedStr(t.Obj(), t.TypeArgs())
	case *types.Named:
		return e.namedStr(t.Obj(), t.TypeArgs())
	case *types.Pointer:
		return "*" + e.typeStr(t.Elem())
	case *types.Slice:
		return "[]" + e.typeStr(t.Elem())
	case *types.Array:
		return "[" + strconv.FormatInt(t.Len(), 10) + "]" + e.typeStr(t.Elem())
	case *types.Map:
		return "map[" + e.typeStr(t.Key()) + "]" + e.typeStr(t.Elem())
	case *types.Chan:
		switch t.Dir() {
		case types.SendOnly:
			return "chan<- " + e.typeStr(t.Elem())
		case types.RecvOnly:
			return "<-chan " + e.typeStr(t.Elem())
		}
		if c, ok := t.Elem().(*types.Chan); ok && c.Dir() == types.RecvOnly {
			return "chan (" + e.typeStr(t.Elem()) + ")"
		}
		return "chan " + e.typeStr(t.Elem())
	case *types.Signature:
		return "func" + e.sigStr(t)
	case *types.Interface:
		if t.NumExplicitMethods() == 0 && t.NumEmbeddeds() == 0 {
			return "interface{}"
		}
		var b strings.Builder
		b.WriteString("interface {\n")
		for et := range t.EmbeddedTypes() {
			b.WriteString(e.typeStr(et) + "\n")
		}
		for m := range t.ExplicitMethods() {
			b.WriteString(m.Name() + e.sigStr(m.Type().(*types.Signature)) + "\n")
		}
		b.WriteString("}")
		return e.layout(b.String())
	case *types.Struct:
		if t.NumFields() == 0 {
			return "struct{}"
		}
		var b strings.Builder
		b.WriteString("struct {\n")
		for i := range t.NumFields() {
			f := t.Field(i)
			if !f.Embedded() {
				b.WriteString(f.Name() + " ")
			}
			b.WriteString(e.typeStr(f.Type()))
			if tag := t.Tag(i); tag != "" {
				b.WriteString(" " + tagLit(tag))
			}
			b.WriteString("\n")
		}
		b.WriteString("}")
		return e.layout(b.String())
	case *types.Union:
		var terms []string
		for i := range t.Len() {
			term := t.Term(i)
			s := e.typeStr(term.Type())
			if term.Tilde() {
				s = "~" + s
			}
			terms = append(terms, s)
		}
		return strings.Join(terms, " | ")
	}
	return types.TypeString(t, func(p *types.Package) string { return strings.TrimSuffix(e.q(p.Path(), p.Name()), ".") })
}

// layout stands for a multi-line struct or interface type: it returns a
// placeholder, replaced by gofmt's layout of the type (fields aligned in
// columns, as at the top level of a file) once the import names, whose
// lengths move the columns, are known.
func (e *emitter) layout(raw string) string {
	i, ok := e.index[raw]
	if !ok {
		if e.index == nil {
			e.index = map[string]int{}
		}
		i = len(e.multi)
		e.index[raw] = i
		e.multi = append(e.multi, raw)
	}
	return layoutMark + strconv.Itoa(i) + layoutEnd
}

// resolve writes body to out with every import mark replaced by the
// import's name and every layout placeholder by the laid-out type.
func (e *emitter) resolve(out *bytes.Buffer, body []byte, names map[string]string) {
	e.substitute(out, body, names, e.layouts(names))
}

// layouts lays out the multi-line types, by placeholder index.
func (e *emitter) layouts(names map[string]string) []string {
	// A type nested in another was met, and numbered, first.
	layouts := make([]string, len(e.multi))
	for i, raw := range e.multi {
		var b bytes.Buffer
		e.substitute(&b, []byte(raw), names, layouts[:i])
		const prefix = "package p\n\ntype _ "
		got := b.String()
		if f, err := format.Source([]byte(prefix + got + "\n")); err == nil {
			got = strings.TrimSuffix(strings.TrimPrefix(string(f), prefix), "\n")
		}
		layouts[i] = got
	}
	return layouts
}

func (e *emitter) substitute(out *bytes.Buffer, b []byte, names map[string]string, layouts []string) {
	for len(b) > 0 {
		i := bytes.IndexAny(b, qualMark+layoutMark)
		if i < 0 {
			out.Write(b)
			return
		}
		out.Write(b[:i])
		mark, end := qualMark, qualEnd
		if b[i] == layoutMark[0] {
			mark, end = layoutMark, layoutEnd
		}
		b = b[i+len(mark):]
		j := bytes.IndexByte(b, end[0])
		key := b[:j]
		b = b[j+1:]
		if mark == qualMark {
			out.WriteString(e.markName(key, names))
		} else {
			n, _ := strconv.Atoi(string(key))
			out.WriteString(layouts[n])
		}
	}
}

func (e *emitter) namedStr(obj *types.TypeName, args *types.TypeList) string {
	var s string
	if obj.Pkg() == nil {
		s = obj.Name()
	} else {
		s = e.q(obj.Pkg().Path(), obj.Pkg().Name()) + obj.Name()
	}
	if args.Len() > 0 {
		var as []string
		for a := range args.Types() {
			as = append(as, e.typeStr(a))
		}
		s += "[" + strings.Join(as, ", ") + "]"
	}
	return s
}

func (e *emitter) sigStr(s *types.Signature) string {
	var params []string
	for i := range s.Params().Len() {
		p := s.Params().At(i)
		if s.Variadic() && i == s.Params().Len()-1 {
			params = append(params, "..."+e.typeStr(p.Type().(*types.Slice).Elem()))
			continue
		}
		params = append(params, e.typeStr(p.Type()))
	}
	out := "(" + strings.Join(params, ", ") + ")"
	switch n := s.Results().Len(); n {
	case 0:
	case 1:
		out += " " + e.typeStr(s.Results().At(0).Type())
	default:
		var rs []string
		for v := range s.Results().Variables() {
			rs = append(rs, e.typeStr(v.Type()))
		}
		out += " (" + strings.Join(rs, ", ") + ")"
	}
	return out
}

// emit writes the whole file of w: the declarations first, with marks
// for import names and placeholders for multi-line types; then the header
// and imports, once the code has said which it uses; then the
// declarations with the marks resolved.
func emit(w *pkgWork) []byte {
	r := newRenderer(w)
	e := &emitter{r: r}
	// The declarations go after room for the header, so that the file can
	// be finished in place (see below): for large packages the output is
	// tens of megabytes, and fresh memory is what costs: the first write
	// to each page of it is a page fault.
	//
	// The buffer is made, never grown: bytes.Buffer.Grow zeroes the whole
	// new capacity, which touches every page of it, while make leaves
	// memory fresh from the OS untouched until the text is written, so
	// that capacity the text does not use costs (nearly) nothing.
	const sample = 16
	e.buf = *bytes.NewBuffer(make([]byte, headRoom, headRoom+bytesPerType*min(len(w.types), sample)))
	for i, t := range w.types {
		if i == sample {
			// Size the rest on the types seen so far, with a margin: a
			// doubling would copy the text and touch its pages again.
			per := (e.buf.Len() - headRoom) / sample
			b := make([]byte, e.buf.Len(), e.buf.Len()+(per+per/8)*(len(w.types)-sample))
			copy(b, e.buf.Bytes())
			e.buf = *bytes.NewBuffer(b)
		}
		e.stateType(t)
		r.taken[t.names.Accessor] = true
		r.taken[t.names.Of] = true
	}
	names := r.importNames()
	var head bytes.Buffer
	head.WriteString(Header + "\n//go:build !" + BuildTag + "\n\npackage " + w.lp.Name + "\n\n")
	paths := make([]string, 0, len(names))
	for p := range names {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	if len(paths) == 1 {
		head.WriteString("import " + importSpec(paths[0], names[paths[0]], r.imports[paths[0]]) + "\n\n")
	} else if len(paths) > 1 {
		head.WriteString("import (\n")
		for _, p := range paths {
			head.WriteString("\t" + importSpec(p, names[p], r.imports[p]) + "\n")
		}
		head.WriteString(")\n\n")
	}
	// Drop the blank line that ends the last declaration.
	body := bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))
	fits := head.Len() <= headRoom
	for p, name := range names {
		fits = fits && len(name)+3 <= len(e.marks[p])
	}
	if fits {
		// In place: the header ends where the declarations start, and
		// every import name is shorter than its mark, so the resolved text
		// never overtakes the text still to read.
		start := headRoom - head.Len()
		copy(body[start:], head.Bytes())
		n := e.resolveInPlace(body, headRoom, names)
		if len(e.multi) == 0 {
			return body[start:n:n]
		}
		if out, ok := expandLayouts(body[:n], headRoom, e.layouts(names)); ok {
			return out[start:len(out):len(out)]
		}
		// No room to lay the types out in place: copy.
		var out bytes.Buffer
		out.Grow(n - start + n/8)
		e.substitute(&out, body[start:n], names, e.layouts(names))
		return out.Bytes()
	}
	var out bytes.Buffer
	out.Grow(head.Len() + len(body) + len(body)/8)
	out.Write(head.Bytes())
	e.resolve(&out, body[headRoom:], names)
	return out.Bytes()
}

// Sizes for emit's buffer: room for the header, and a first guess of the
// text of one state type.
const (
	headRoom     = 4096
	bytesPerType = 5600
)

// expandLayouts replaces the layout placeholders of b[from:] by the
// layouts, in place, working from the end since layouts are longer than
// their placeholders. It fails when b lacks the capacity.
func expandLayouts(b []byte, from int, layouts []string) ([]byte, bool) {
	grow := 0
	for i := from; ; {
		j := bytes.IndexByte(b[i:], layoutMark[0])
		if j < 0 {
			break
		}
		k := bytes.IndexByte(b[i+j:], layoutEnd[0])
		n, _ := strconv.Atoi(string(b[i+j+1 : i+j+k]))
		grow += len(layouts[n]) - (k + 1)
		i += j + k + 1
	}
	if len(b)+grow > cap(b) {
		return nil, false
	}
	r, w := len(b), len(b)+grow
	b = b[:w]
	for r > from {
		p := bytes.LastIndexByte(b[from:r], layoutMark[0])
		if p < 0 {
			break
		}
		p += from
		q := p + bytes.IndexByte(b[p:r], layoutEnd[0]) + 1
		w -= copy(b[w-(r-q):w], b[q:r])
		n, _ := strconv.Atoi(string(b[p+1 : q-1]))
		w -= copy(b[w-len(layouts[n]):w], layouts[n])
		r = p
	}
	return b, true
}

// resolveInPlace replaces the import marks of b[from:] by the names, moving
// the text left, and returns the end of the result. It relies on every
// name being shorter than its mark.
func (e *emitter) resolveInPlace(b []byte, from int, names map[string]string) int {
	w, r := from, from
	for r < len(b) {
		i := bytes.IndexByte(b[r:], qualMark[0])
		if i < 0 {
			w += copy(b[w:], b[r:])
			break
		}
		w += copy(b[w:], b[r:r+i])
		r += i + 1
		j := bytes.IndexByte(b[r:], qualEnd[0])
		name := e.markName(b[r:r+j], names)
		r += j + 1
		w += copy(b[w:], name)
	}
	return w
}

func importSpec(path, name, pkgName string) string {
	if name == pkgName {
		return strconv.Quote(path)
	}
	return name + " " + strconv.Quote(path)
}

// stateType writes the accessor type, TOf and the methods of t.
func (e *emitter) stateType(t *stateType) {
	r := e.r
	acc, of := t.names.Accessor, t.names.Of
	T := t.name
	scope, cellFn := "job", "JobCell"
	if t.dir.Scope == directive.ScopeWorker {
		scope, cellFn = "worker", "WorkerCell"
	}
	sharing, ns := "PerRoutine", "the routine id of the activation"
	if t.dir.Shared {
		sharing, ns = "PerFlow", "the flow, so every routine of the "+scope+" sees the same value"
	}
	where := "the job's JobContext; it is gone when the job ends"
	if t.dir.Scope == directive.ScopeWorker {
		where = "the worker's WorkerState; it lives across the worker's jobs"
	}
	rt := e.q(runtimePath, "runtime")
	a, s, v := r.local("a"), r.local("s"), r.local("v")
	recv := "func (" + a + " " + acc + ") "

	e.doc(
		fmt.Sprintf("%s reads and writes the %s-scope %s of %s,", acc, scope, t.name, nsOwner(t.dir.Shared, scope)),
		fmt.Sprintf("stored in %s. Get one from %s.", where, of),
		"Every method is safe for concurrent use with every other.",
	)
	e.ln(0, "type ", acc, " struct {")
	e.ln(1, "cell *", rt, "Cell[", T, "]")
	e.ln(0, "}")
	e.ln(0)

	ctx, c, err := r.local("ctx"), r.local("c"), r.local("err")
	fails := "runtime.ErrNoJob when ctx carries no job"
	switch {
	case t.dir.Scope == directive.ScopeWorker:
		fails = "runtime.ErrNoRoutine when ctx carries no routine activation (and so no worker)"
	case !t.dir.Shared:
		fails += ", and runtime.ErrNoRoutine when it carries no routine activation"
	}
	e.doc(
		fmt.Sprintf("%s returns the accessor of the %s-scope %s in ctx, namespaced by", of, scope, t.name),
		ns+". It fails fast: the error wraps",
		fails+".",
	)
	e.ln(0, "func ", of, "(", ctx, " ", e.q("context", "context"), "Context) (", acc, ", error) {")
	e.ln(1, c, ", ", err, " := ", rt, cellFn, "[", T, "](", ctx, ", ", strconv.Quote(t.storage), ", ", rt, sharing, ")")
	e.ln(1, "if ", err, " != nil {")
	e.ln(2, "return ", acc, "{}, ", e.q("fmt", "fmt"), "Errorf(", strconv.Quote(of+": %w"), ", ", err, ")")
	e.ln(1, "}")
	e.ln(1, "return ", acc, "{cell: ", c, "}, nil")
	e.ln(0, "}")
	e.ln(0)

	for _, f := range t.fields {
		get, set := directive.FieldMethods(f.name)
		typ := e.typeStr(f.typ)
		if r.needsDeep(f.typ) {
			e.doc(fmt.Sprintf("%s returns a copy of the %s field that shares no slice or map with the stored value.", get, f.name))
			e.ln(0, recv, get, "() ", typ, " {")
			e.ln(1, s, " := ", a, ".cell.RLock()")
			e.ln(1, "defer ", a, ".cell.RUnlock()")
			e.ln(1, v, " := ", s, ".", f.name)
			e.deepen(1, v, f.typ)
			e.ln(1, "return ", v)
			e.ln(0, "}")
			e.ln(0)
			e.doc(fmt.Sprintf("%s stores a copy of v, sharing no slice or map with it, as the %s field.", set, f.name))
			e.ln(0, recv, set, "(", v, " ", typ, ") {")
			e.deepen(1, v, f.typ)
			e.ln(1, s, " := ", a, ".cell.Lock()")
			e.ln(1, "defer ", a, ".cell.Unlock()")
			e.ln(1, s, ".", f.name, " = ", v)
			e.ln(0, "}")
		} else {
			e.doc(fmt.Sprintf("%s returns the %s field.", get, f.name))
			e.ln(0, recv, get, "() ", typ, " {")
			if optimisticRead(f.typ) {
				seq, ok := r.local("seq"), r.local("ok")
				e.ln(1, "if ", seq, ", ", ok, " := ", a, ".cell.ReadBegin(); ", ok, " {")
				e.ln(2, v, " := ", a, ".cell.Peek().", f.name)
				e.ln(2, "if ", a, ".cell.ReadValid(", seq, ") {")
				e.ln(3, "return ", v)
				e.ln(2, "}")
				e.ln(1, "}")
			}
			e.ln(1, v, " := ", a, ".cell.RLock().", f.name)
			e.ln(1, a, ".cell.RUnlock()")
			e.ln(1, "return ", v)
			e.ln(0, "}")
			e.ln(0)
			e.doc(fmt.Sprintf("%s sets the %s field.", set, f.name))
			e.ln(0, recv, set, "(", v, " ", typ, ") {")
			e.ln(1, a, ".cell.Lock().", f.name, " = ", v)
			e.ln(1, a, ".cell.Unlock()")
			e.ln(0, "}")
		}
		e.ln(0)
	}

	named := t.obj.Type()
	e.doc(
		fmt.Sprintf("Load returns a copy of the whole %s, unexported and untracked fields", t.name),
		"included, that shares no slice or map with the stored value. Pointers,",
		"interfaces, funcs and channels are copied as they are.",
	)
	e.ln(0, recv, "Load() ", T, " {")
	e.ln(1, s, " := ", a, ".cell.RLock()")
	e.ln(1, "defer ", a, ".cell.RUnlock()")
	e.ln(1, v, " := *", s)
	e.deepen(1, v, named)
	e.ln(1, "return ", v)
	e.ln(0, "}")
	e.ln(0)

	e.doc(
		fmt.Sprintf("Store replaces the stored %s with a copy of v that shares no slice or", t.name),
		"map with it.",
	)
	e.ln(0, recv, "Store(", v, " ", T, ") {")
	e.deepen(1, v, named)
	e.ln(1, s, " := ", a, ".cell.Lock()")
	e.ln(1, "defer ", a, ".cell.Unlock()")
	e.ln(1, "*", s, " = ", v)
	e.ln(0, "}")
	e.ln(0)

	fn := r.local("fn")
	e.doc(
		fmt.Sprintf("Update runs fn on the stored %s under the write lock: an atomic", t.name),
		"read-modify-write. fn must not keep the pointer, nor call methods of the",
		"accessor.",
	)
	e.ln(0, recv, "Update(", fn, " func(*", T, ")) {")
	e.ln(1, a, ".cell.Update(", fn, ")")
	e.ln(0, "}")
	e.ln(0)

	keyDoc := "and the routine id"
	if t.dir.Shared {
		keyDoc = "and the flow id"
	}
	e.doc(fmt.Sprintf("Key returns the namespaced storage key: the storage name %s.", keyDoc))
	e.ln(0, recv, "Key() string {")
	e.ln(1, "return ", a, ".cell.Key()")
	e.ln(0, "}")
	e.ln(0)
}

// deepen writes the statements that make variable x of type t own every
// slice and map it holds (see renderer.deepen).
func (e *emitter) deepen(depth int, x string, t types.Type) {
	r := e.r
	if !r.needsDeep(t) {
		return
	}
	start := e.buf.Len()
	d := &textDeepener{e: e, closures: map[types.Type]string{}, out: &e.buf}
	d.emit(depth, x, t)
	if len(d.order) == 0 {
		return
	}
	// Recursive types: their closures go before the code just written.
	var defs bytes.Buffer
	for i := 0; i < len(d.order); i++ {
		nt := d.order[i]
		name := d.closures[nt]
		p := r.local("p" + strconv.Itoa(i))
		typ := e.typeStr(nt)
		writeLine(&defs, depth, []string{"var ", name, " func(*", typ, ")"})
		writeLine(&defs, depth, []string{name, " = func(", p, " *", typ, ") {"})
		inner := &textDeepener{e: e, closures: d.closures, stack: []types.Type{nt}, level: d.level + 1, out: &defs}
		inner.emitUnder(depth+1, "(*"+p+")", nt)
		d.order = append(d.order, inner.order...)
		d.level = inner.level
		writeLine(&defs, depth, []string{"}"})
	}
	body := bytes.Clone(e.buf.Bytes()[start:])
	e.buf.Truncate(start)
	e.buf.Write(defs.Bytes())
	e.buf.Write(body)
}

// textDeepener mirrors deepener for the emitter.
type textDeepener struct {
	e        *emitter
	out      *bytes.Buffer
	level    int
	stack    []types.Type
	closures map[types.Type]string
	order    []types.Type
}

func (d *textDeepener) ln(depth int, parts ...string) {
	writeLine(d.out, depth, parts)
}

func (d *textDeepener) emit(depth int, x string, t types.Type) {
	r := d.e.r
	t = types.Unalias(t)
	if !r.needsDeep(t) {
		return
	}
	if n, ok := t.(*types.Named); ok {
		for _, s := range d.stack {
			if types.Identical(s, n) {
				name, ok := d.closures[n]
				if !ok {
					if !n.Obj().Exported() && !isLocal(n.Obj(), r.path) {
						return
					}
					name = r.local("deepen" + strconv.Itoa(len(d.closures)))
					d.closures[n] = name
					d.order = append(d.order, n)
				}
				d.ln(depth, name, "(&", x, ")")
				return
			}
		}
		d.stack = append(d.stack, n)
		defer func() { d.stack = d.stack[:len(d.stack)-1] }()
	}
	d.emitUnder(depth, x, t)
}

func (d *textDeepener) emitUnder(depth int, x string, t types.Type) {
	r := d.e.r
	switch u := t.Underlying().(type) {
	case *types.Slice:
		d.ln(depth, x, " = ", d.e.q("slices", "slices"), "Clone(", x, ")")
		if r.needsDeep(u.Elem()) {
			i := r.local("i" + strconv.Itoa(d.level))
			d.ln(depth, "for ", i, " := range ", x, " {")
			d.level++
			d.emit(depth+1, x+"["+i+"]", u.Elem())
			d.level--
			d.ln(depth, "}")
		}
	case *types.Map:
		d.ln(depth, x, " = ", d.e.q("maps", "maps"), "Clone(", x, ")")
		if r.needsDeep(u.Elem()) {
			k, el := r.local("k"+strconv.Itoa(d.level)), r.local("e"+strconv.Itoa(d.level))
			d.level++
			d.ln(depth, "for ", k, ", ", el, " := range ", x, " {")
			d.emit(depth+1, el, u.Elem())
			d.level--
			d.ln(depth+1, x, "[", k, "] = ", el)
			d.ln(depth, "}")
		}
	case *types.Array:
		i := r.local("i" + strconv.Itoa(d.level))
		d.level++
		d.ln(depth, "for ", i, " := range ", x, " {")
		d.emit(depth+1, x+"["+i+"]", u.Elem())
		d.level--
		d.ln(depth, "}")
	case *types.Struct:
		for i := range u.NumFields() {
			f := u.Field(i)
			if !r.reachable(f) {
				continue
			}
			d.emit(depth, x+"."+f.Name(), f.Type())
		}
	}
}

// Package directive is the one parser of routigen's //routigen: comment
// directives, shared by the generator (gen) and the analyzers (analyzer/...),
// so both read an annotation the same way and report the same errors.
//
// # Syntax
//
// A directive is a line comment that starts exactly with "//routigen:" (no
// space, like //go: directives), followed by the directive name and
// whitespace-separated options:
//
//	//routigen:state scope=job|worker [shared] [key=NAME]
//	//routigen:ignore CHECK[,CHECK...] REASON...
//
// # Table
//
// Directives lists every directive and option with its documentation,
// the values an option accepts and whether it is required. The parser
// validates against it (ParseState knows no option name but to fill
// State) and `routigen explain` prints it, so the two cannot drift apart.
package directive

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strings"
	"unicode"
)

// Prefix starts every routigen directive.
const Prefix = "//routigen:"

// Directive names.
const (
	NameState  = "state"
	NameIgnore = "ignore"
)

// Option describes one option of a directive.
type Option struct {
	Name     string   // as written before '=' (or alone, for flags)
	Value    string   // placeholder of the value, "" for a flag
	Values   []string // the allowed values, nil when any value goes
	Required bool
	Doc      string

	// check validates a value of an option that takes any value: it
	// returns what is wrong, or "".
	check func(v string) string
}

// Spec describes one directive.
type Spec struct {
	Name    string
	Usage   string
	Doc     string
	Options []Option
	Example string
}

// Directives is the table of every directive routigen understands.
var Directives = []Spec{
	{
		Name:  NameState,
		Usage: "//routigen:state scope=job|worker [shared] [key=NAME]",
		Doc: "Marks a struct type as routine state. routigen generates TAccessor and " +
			"TOf(ctx), typed accessors namespaced by the routine id of the activation, " +
			"so two instances of one routine type never share state. Write it in the doc " +
			"comment of a non-generic struct type declaration, in a file without build " +
			"constraints that is not a _test.go file: routigen_gen.go serves every build " +
			"of the package, so anything else is an error.",
		Options: []Option{
			{Name: "scope", Value: "job|worker", Values: []string{"job", "worker"}, Required: true,
				Doc: "job: the state lives in the job's JobContext and is gone when the job ends. " +
					"worker: it lives in the worker's WorkerState, across jobs."},
			{Name: "shared",
				Doc: "Namespace the state by the flow instead of the routine id: every routine of " +
					"the same job (job scope) or worker (worker scope) sees one value. For data " +
					"one routine hands to others, such as a user id found by an ingress routine."},
			{Name: "key", Value: "NAME", check: checkKey,
				Doc: "Fix the stable storage name. Default: the package import path and the type " +
					"name, so types of two packages never meet. Two types of the same scope and " +
					"sharing mode with the same storage name in one run are an error."},
		},
		Example: "//routigen:state scope=job\ntype LoopState struct {\n\tIteration int\n}",
	},
	{
		Name:  NameIgnore,
		Usage: "//routigen:ignore CHECK[,CHECK...] REASON",
		Doc: "Suppresses the named checks on the line it ends, or on the next line when it " +
			"stands alone. The reason is required; an ignore without one, or one that " +
			"suppresses nothing, is itself reported.",
		Example: "job.SetData(\"legacy\", v) //routigen:ignore jobdata kept for the v1 reader",
	},
}

// Lookup returns the spec of the named directive.
func Lookup(name string) (Spec, bool) {
	for _, s := range Directives {
		if s.Name == name {
			return s, true
		}
	}
	return Spec{}, false
}

// Scope is where state lives.
type Scope string

const (
	ScopeJob    Scope = "job"
	ScopeWorker Scope = "worker"
)

// State is a parsed //routigen:state directive.
type State struct {
	Pos    token.Pos // of the comment
	Scope  Scope
	Shared bool
	Key    string // "" when not set
}

// Ignore is a parsed //routigen:ignore directive.
type Ignore struct {
	Pos    token.Pos
	End    token.Pos
	Checks []string
	Reason string
}

// Error is a bad directive, at the position of its comment.
type Error struct {
	Pos token.Pos
	Msg string
}

func (e *Error) Error() string { return "routigen: " + e.Msg }

// Is reports whether text (a comment's text, with its "//") is a routigen
// directive.
func Is(text string) bool { return strings.HasPrefix(text, Prefix) }

// split returns the directive name and the rest of the line.
func split(text string) (name, rest string) {
	body := strings.TrimPrefix(text, Prefix)
	i := strings.IndexFunc(body, unicode.IsSpace)
	if i < 0 {
		return body, ""
	}
	return body[:i], strings.TrimSpace(body[i:])
}

// Name returns the directive name of a directive comment text.
func Name(text string) string {
	n, _ := split(text)
	return n
}

// ParseState parses the text of a //routigen:state comment. The options,
// their values and which are required come from the Directives table.
func ParseState(pos token.Pos, text string) (State, error) {
	spec, _ := Lookup(NameState)
	opts, err := parseOptions(spec, pos, text)
	if err != nil {
		return State{}, err
	}
	_, shared := opts["shared"]
	return State{Pos: pos, Scope: Scope(opts["scope"]), Shared: shared, Key: opts["key"]}, nil
}

// parseOptions parses the options of a directive comment against spec: it
// returns the value of every option given ("" for a flag), or an error at
// the offending option (at the comment for a missing one).
func parseOptions(spec Spec, pos token.Pos, text string) (map[string]string, error) {
	name, _ := split(text)
	if name != spec.Name {
		return nil, &Error{pos, fmt.Sprintf("not a %s%s directive: %q", Prefix, spec.Name, text)}
	}
	errorf := func(at token.Pos, format string, args ...any) error {
		return &Error{at, Prefix + spec.Name + ": " + fmt.Sprintf(format, args...)}
	}
	opts := map[string]string{}
	for _, f := range fieldsAt(text, min(len(Prefix)+len(name), len(text))) {
		// Point at the option itself: text is the comment as written, so
		// the option's offset in it is its column offset.
		at := pos
		if pos.IsValid() {
			at = pos + token.Pos(f.off)
		}
		k, v, hasValue := strings.Cut(f.text, "=")
		o, ok := spec.Option(k)
		switch {
		case !ok:
			return nil, errorf(at, "unknown option %q (options: %s; see routigen explain %s)", f.text, spec.optionList(), spec.Name)
		case hasOption(opts, k):
			return nil, errorf(at, "option %q given twice (keep one)", k)
		case o.Value == "" && hasValue:
			return nil, errorf(at, "option %s takes no value (got %q)", k, f.text)
		case o.Values != nil && !slices.Contains(o.Values, v):
			return nil, errorf(at, "unknown %s %q (want %s)", k, v, o.choices())
		case o.check != nil:
			if why := o.check(v); why != "" {
				return nil, errorf(at, "%s %q %s", k, v, why)
			}
		}
		opts[k] = v
	}
	for _, o := range spec.Options {
		if o.Required && !hasOption(opts, o.Name) {
			return nil, errorf(pos, "missing %s (add %s)", o.Name, o.choices())
		}
	}
	return opts, nil
}

func hasOption(opts map[string]string, name string) bool {
	_, ok := opts[name]
	return ok
}

// Option returns the option of s named name.
func (s Spec) Option(name string) (Option, bool) {
	for _, o := range s.Options {
		if o.Name == name {
			return o, true
		}
	}
	return Option{}, false
}

// optionList lists the options of s as written: "scope=job|worker, shared,
// key=NAME".
func (s Spec) optionList() string {
	var out []string
	for _, o := range s.Options {
		if o.Value != "" {
			out = append(out, o.Name+"="+o.Value)
		} else {
			out = append(out, o.Name)
		}
	}
	return strings.Join(out, ", ")
}

// choices spells the accepted forms of o: "scope=job or scope=worker".
func (o Option) choices() string {
	if len(o.Values) == 0 {
		return o.Name + "=" + o.Value
	}
	var out []string
	for _, v := range o.Values {
		out = append(out, o.Name+"="+v)
	}
	return strings.Join(out, " or ")
}

type field struct {
	text string
	off  int // byte offset in the comment text
}

// fieldsAt splits text[from:] into whitespace-separated fields with their
// offsets in text.
func fieldsAt(text string, from int) []field {
	var out []field
	start := -1
	for i, r := range text[from:] {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, field{text[start : from+i], start})
				start = -1
			}
		} else if start < 0 {
			start = from + i
		}
	}
	if start >= 0 {
		out = append(out, field{text[start:], start})
	}
	return out
}

// checkKey validates a storage name: key=NAME.
func checkKey(v string) string {
	if v == "" {
		return "must be non-empty and hold no space, quote or '/'"
	}
	for _, r := range v {
		if unicode.IsSpace(r) || r == '"' || r == '`' || r == '/' || !unicode.IsPrint(r) {
			return "must be non-empty and hold no space, quote or '/'"
		}
	}
	return ""
}

// ParseIgnore parses the text of a //routigen:ignore comment. Check names are
// returned as written; the caller knows which exist.
func ParseIgnore(pos, end token.Pos, text string) (Ignore, error) {
	name, rest := split(text)
	if name != NameIgnore {
		return Ignore{}, &Error{pos, fmt.Sprintf("not a //routigen:%s directive: %q", NameIgnore, text)}
	}
	list, reason, _ := strings.Cut(rest, " ")
	if list == "" {
		return Ignore{}, &Error{pos, "//routigen:ignore: missing check names and reason (//routigen:ignore CHECK[,CHECK] REASON)"}
	}
	ig := Ignore{Pos: pos, End: end, Reason: strings.TrimSpace(reason)}
	for c := range strings.SplitSeq(list, ",") {
		if c = strings.TrimSpace(c); c == "" {
			// The list is not quoted: a check reports this with its own
			// name in front, which must appear once (SPEC §3).
			return Ignore{}, &Error{pos, "//routigen:ignore: an empty check name: write the checks as CHECK[,CHECK], without spaces or stray commas"}
		}
		ig.Checks = append(ig.Checks, c)
	}
	if ig.Reason == "" {
		return Ignore{}, &Error{pos, fmt.Sprintf("//routigen:ignore %s: missing reason (say why the finding does not apply)", list)}
	}
	return ig, nil
}

// Found is one routigen directive in a comment group.
type Found struct {
	Comment *ast.Comment
	Name    string
}

// All returns the routigen directives of a comment group, in order.
func All(cg *ast.CommentGroup) []Found {
	if cg == nil {
		return nil
	}
	var out []Found
	for _, c := range cg.List {
		if Is(c.Text) {
			out = append(out, Found{Comment: c, Name: Name(c.Text)})
		}
	}
	return out
}

// StateDirective is a //routigen:state directive on a type declaration.
type StateDirective struct {
	State
	Spec *ast.TypeSpec
	Decl *ast.GenDecl
}

// Result is what ParseFile finds in one file.
type Result struct {
	States []StateDirective
	Errors []*Error
}

// ParseFile finds every //routigen:state directive of f, with the type it
// annotates, and every misplaced or malformed directive other than ignore
// (which the analyzers read, as it may stand on any line).
func ParseFile(f *ast.File) Result {
	p := &fileParse{attached: map[*ast.Comment]bool{}, seenState: map[*ast.TypeSpec]bool{}}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			p.funcDecl(d)
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				for _, cg := range specDocs(d, spec) {
					for _, dir := range All(cg) {
						p.attached[dir.Comment] = true
						if dir.Name == NameState {
							p.state(dir, d, spec)
						}
					}
				}
			}
		}
	}
	p.detached(f)
	// Unknown directives attached to declarations.
	for c := range p.attached {
		if n := Name(c.Text); n != NameState && n != NameIgnore {
			p.res.Errors = append(p.res.Errors, unknown(Found{Comment: c, Name: n}))
		}
	}
	sortErrors(p.res.Errors)
	return p.res
}

// fileParse is ParseFile's state: what it found, the directive comments
// attached to declarations, and the types already annotated.
type fileParse struct {
	res       Result
	attached  map[*ast.Comment]bool
	seenState map[*ast.TypeSpec]bool
}

func (p *fileParse) errorf(pos token.Pos, format string, args ...any) {
	p.res.Errors = append(p.res.Errors, &Error{pos, fmt.Sprintf(format, args...)})
}

// funcDecl records the directives of a function's doc; a state directive
// there is misplaced.
func (p *fileParse) funcDecl(fd *ast.FuncDecl) {
	for _, d := range All(fd.Doc) {
		p.attached[d.Comment] = true
		if d.Name == NameState {
			p.errorf(d.Comment.Pos(), "//routigen:state must annotate a struct type declaration, not a function")
		}
	}
}

// specDocs returns the doc comments of spec: its own, and the
// declaration's when spec stands alone in it.
func specDocs(gd *ast.GenDecl, spec ast.Spec) []*ast.CommentGroup {
	var docs []*ast.CommentGroup
	switch s := spec.(type) {
	case *ast.TypeSpec:
		docs = append(docs, s.Doc)
	case *ast.ValueSpec:
		docs = append(docs, s.Doc)
	case *ast.ImportSpec:
		docs = append(docs, s.Doc)
	default:
		docs = append(docs, nil)
	}
	if (len(gd.Specs) == 1 || !gd.Lparen.IsValid()) && gd.Doc != docs[0] {
		docs = append(docs, gd.Doc)
	}
	return docs
}

// state records the state directive d on spec of gd, or why it does not
// apply there.
func (p *fileParse) state(d Found, gd *ast.GenDecl, spec ast.Spec) {
	ts, isType := spec.(*ast.TypeSpec)
	pos := d.Comment.Pos()
	switch {
	case !isType || gd.Tok != token.TYPE:
		p.errorf(pos, "//routigen:state must annotate a struct type declaration")
		return
	case ts.TypeParams != nil && len(ts.TypeParams.List) > 0:
		p.errorf(pos, "//routigen:state on generic type %s: generic state types are not supported", ts.Name.Name)
		return
	case ts.Assign.IsValid():
		p.errorf(pos, "//routigen:state on alias %s: annotate the struct type itself", ts.Name.Name)
		return
	}
	if _, ok := ts.Type.(*ast.StructType); !ok {
		p.errorf(pos, "//routigen:state on %s: must annotate a struct type", ts.Name.Name)
		return
	}
	if p.seenState[ts] {
		p.errorf(pos, "second //routigen:state on %s: keep one directive per type", ts.Name.Name)
		return
	}
	p.seenState[ts] = true
	st, err := ParseState(pos, d.Comment.Text)
	if err != nil {
		p.res.Errors = append(p.res.Errors, err.(*Error))
		return
	}
	p.res.States = append(p.res.States, StateDirective{State: st, Spec: ts, Decl: gd})
}

// detached reports the directives of f attached to no declaration: a
// state directive there annotates nothing, an unknown one is unknown.
func (p *fileParse) detached(f *ast.File) {
	for _, cg := range f.Comments {
		for _, d := range All(cg) {
			if p.attached[d.Comment] {
				continue
			}
			switch d.Name {
			case NameIgnore:
			case NameState:
				p.errorf(d.Comment.Pos(), "//routigen:state must be in the doc comment of a struct type declaration")
			default:
				p.res.Errors = append(p.res.Errors, unknown(d))
			}
		}
	}
}

func unknown(d Found) *Error {
	names := make([]string, len(Directives))
	for i, s := range Directives {
		names[i] = s.Name
	}
	return &Error{d.Comment.Pos(), fmt.Sprintf("unknown directive //routigen:%s (known: %s; see routigen explain)", d.Name, strings.Join(names, ", "))}
}

func sortErrors(errs []*Error) {
	// insertion sort: lists are short and this keeps the package free of deps.
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Pos < errs[j-1].Pos; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

// StorageName is the default storage name of a state type: its package
// import path and type name.
func StorageName(pkgPath, typeName string, st State) string {
	if st.Key != "" {
		return st.Key
	}
	return pkgPath + "." + typeName
}

// Names are the identifiers generated for one state type.
type Names struct {
	Accessor string // TAccessor
	Of       string // TOf
}

// NamesFor returns the generated identifiers of state type typeName. The
// analyzers use it to recognise generated accessors.
func NamesFor(typeName string) Names {
	return Names{Accessor: typeName + "Accessor", Of: typeName + "Of"}
}

// FieldMethods returns the getter and setter names of field f.
func FieldMethods(field string) (getter, setter string) {
	return field, "Set" + field
}

// AccessorMethods are the fixed methods of every generated accessor.
var AccessorMethods = []string{"Load", "Store", "Update", "Key"}

package gen

import (
	"bufio"
	"bytes"
	"fmt"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/routigen/routigen/internal/directive"
)

// ManifestName is the file, beside FileName, that records the stored shape
// of a package's state types.
const ManifestName = "routigen.manifest"

// manifestHeader starts every manifest; a file that does not is not read.
const manifestHeader = "# routigen state manifest"

// manifest is the stored shape of one package's state types: the parsed
// form of a ManifestName file, or the shape the source declares now.
type manifest struct {
	pkg   string
	types []*mType // sorted by name
}

// mType is the stored shape of one state type.
//
// version counts the changes of the shape; since is the oldest version
// whose stored values this shape reads (it moves to version when a
// breaking change is accepted). Fields are keyed by their stored name.
type mType struct {
	name    string
	version int
	since   int
	key     string
	scope   directive.Scope
	shared  bool
	fields  []mField   // sorted by stored name
	removed []mRemoved // sorted by stored name
	named   []mNamed   // sorted by name
	line    int        // in the manifest file; 0 for the source's shape
	// removedIn is the version in which the type left the code (0: it is
	// declared). Its entry stays: the values it stored stay in the store,
	// so a type that takes its name or key again is held to its shape.
	removedIn int

	src *srcType // the source's shape only
}

// mField is one stored field: its stored name and its type, spelled with
// full import paths.
type mField struct {
	name, typ string
}

// mRemoved is a field that a compatible change removed in version in:
// values stored before that version may still hold it, so it may only come
// back with the same type.
type mRemoved struct {
	name, typ string
	in        int
}

// mNamed is a named type that stored fields reach, with its underlying
// type: a change of that type is a change of the fields that hold it.
// Types that encode themselves (encoding/json or encoding.Text
// marshalers) are not expanded.
type mNamed struct {
	name, underlying string
}

func (t *mType) sharing() string {
	if t.shared {
		return "shared"
	}
	return "routine"
}

func (t *mType) field(name string) (mField, bool) {
	i, ok := slices.BinarySearchFunc(t.fields, name, func(f mField, n string) int { return strings.Compare(f.name, n) })
	if !ok {
		return mField{}, false
	}
	return t.fields[i], true
}

func (t *mType) removedField(name string) (mRemoved, bool) {
	for _, r := range t.removed {
		if r.name == name {
			return r, true
		}
	}
	return mRemoved{}, false
}

func (t *mType) namedType(name string) (string, bool) {
	for _, n := range t.named {
		if n.name == name {
			return n.underlying, true
		}
	}
	return "", false
}

// sameShape reports whether a and b store values the same way (versions
// and tombstones aside).
func (a *mType) sameShape(b *mType) bool {
	return a.key == b.key && a.scope == b.scope && a.shared == b.shared &&
		slices.Equal(a.fields, b.fields) && slices.Equal(a.named, b.named)
}

// format writes m as the manifest file: deterministic, one fact a line, so
// that a change of the stored shape is a small, readable diff.
func (m *manifest) format() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s: the stored shape of the //routigen:state types of this\n", manifestHeader)
	b.WriteString("# package. routigen gen updates it, routigen check holds the code to it:\n")
	b.WriteString("# commit it with the code. See routigen explain manifest.\n")
	fmt.Fprintf(&b, "package %s\n", m.pkg)
	for _, t := range m.types {
		if t.removedIn > 0 {
			fmt.Fprintf(&b, "\nstate %s (removed in version %d)\n", t.name, t.removedIn)
		} else {
			fmt.Fprintf(&b, "\nstate %s\n", t.name)
		}
		fmt.Fprintf(&b, "\tversion %d\n", t.version)
		fmt.Fprintf(&b, "\tsince %d\n", t.since)
		fmt.Fprintf(&b, "\tkey %s\n", t.key)
		fmt.Fprintf(&b, "\tscope %s\n", t.scope)
		fmt.Fprintf(&b, "\tsharing %s\n", t.sharing())
		for _, f := range t.fields {
			fmt.Fprintf(&b, "\tfield %s %s\n", f.name, f.typ)
		}
		for _, r := range t.removed {
			fmt.Fprintf(&b, "\tremoved in %d: %s %s\n", r.in, r.name, r.typ)
		}
		for _, n := range t.named {
			fmt.Fprintf(&b, "\tnamed %s %s\n", n.name, n.underlying)
		}
	}
	return b.Bytes()
}

// parseManifest reads a manifest file; errors name the line.
func parseManifest(data []byte) (*manifest, error) {
	m := &manifest{}
	var cur *mType
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	line := 0
	fail := func(format string, args ...any) error {
		return &lineError{line, fmt.Sprintf(format, args...)}
	}
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 && !strings.HasPrefix(text, manifestHeader) {
			return nil, fail("not a routigen manifest (the first line does not start with %q)", manifestHeader)
		}
		if strings.HasPrefix(text, "#") || strings.TrimSpace(text) == "" {
			continue
		}
		word, rest, _ := strings.Cut(strings.TrimPrefix(text, "\t"), " ")
		indented := strings.HasPrefix(text, "\t")
		switch {
		case !indented && word == "package" && m.pkg == "" && cur == nil:
			m.pkg = rest
		case !indented && word == "state":
			name, gone, isGone := strings.Cut(rest, " ")
			removedIn := 0
			if isGone {
				n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(gone, "(removed in version "), ")"))
				if err != nil || n < 1 || gone != fmt.Sprintf("(removed in version %d)", n) {
					return nil, fail("state %q: want NAME or NAME (removed in version N)", rest)
				}
				removedIn = n
			}
			if !isIdent(name) {
				return nil, fail("state %q: not a type name", rest)
			}
			if len(m.types) > 0 && m.types[len(m.types)-1].name >= name {
				return nil, fail("state %s: out of order or given twice", name)
			}
			cur = &mType{name: name, line: line, removedIn: removedIn}
			m.types = append(m.types, cur)
		case indented && cur != nil:
			if err := cur.parseLine(word, rest); err != nil {
				return nil, fail("state %s: %v", cur.name, err)
			}
		default:
			return nil, fail("unexpected %q", text)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if m.pkg == "" {
		return nil, &lineError{max(line, 1), "missing package line"}
	}
	for _, t := range m.types {
		if t.version < 1 || t.since < 1 || t.since > t.version || t.key == "" || t.scope == "" {
			return nil, &lineError{t.line, fmt.Sprintf("state %s: needs version, since (1 to version), key and scope", t.name)}
		}
	}
	return m, nil
}

// parseLine reads one indented line of a state block.
func (t *mType) parseLine(word, rest string) error {
	num := func(dst *int) error {
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 || *dst != 0 {
			return fmt.Errorf("bad or repeated %s %q", word, rest)
		}
		*dst = n
		return nil
	}
	switch word {
	case "version":
		return num(&t.version)
	case "since":
		return num(&t.since)
	case "key":
		t.key = rest
	case "scope":
		if s := directive.Scope(rest); s != directive.ScopeJob && s != directive.ScopeWorker {
			return fmt.Errorf("unknown scope %q", rest)
		}
		t.scope = directive.Scope(rest)
	case "sharing":
		if rest != "routine" && rest != "shared" {
			return fmt.Errorf("unknown sharing %q (routine or shared)", rest)
		}
		t.shared = rest == "shared"
	case "field":
		name, typ, ok := strings.Cut(rest, " ")
		if !ok || !isIdent(name) || typ == "" {
			return fmt.Errorf("bad field line %q (field NAME TYPE)", rest)
		}
		if len(t.fields) > 0 && t.fields[len(t.fields)-1].name >= name {
			return fmt.Errorf("field %s out of order or given twice", name)
		}
		t.fields = append(t.fields, mField{name, typ})
	case "removed":
		var r mRemoved
		after, ok0 := strings.CutPrefix(rest, "in ")
		in, nt, ok := strings.Cut(after, ": ")
		ok = ok && ok0
		name, typ, ok2 := strings.Cut(nt, " ")
		n, err := strconv.Atoi(in)
		if !ok || !ok2 || err != nil || n < 1 || !isIdent(name) || typ == "" {
			return fmt.Errorf("bad removed line %q (removed in VERSION: NAME TYPE)", rest)
		}
		r = mRemoved{name, typ, n}
		t.removed = append(t.removed, r)
	case "named":
		// The name of an instantiated generic type holds spaces
		// (example.com/p.Pair[string, bool]): it ends at the first space
		// outside its brackets.
		name, u, ok := cutNamed(rest)
		if !ok || name == "" || u == "" {
			return fmt.Errorf("bad named line %q (named PATH.NAME TYPE)", rest)
		}
		if len(t.named) > 0 && t.named[len(t.named)-1].name >= name {
			return fmt.Errorf("named %s out of order or given twice", name)
		}
		t.named = append(t.named, mNamed{name, u})
	default:
		return fmt.Errorf("unknown line %q", word+" "+rest)
	}
	return nil
}

func isIdent(s string) bool { return token.IsIdentifier(s) }

// cutNamed splits s, which starts with a named type spelled as
// types.TypeString spells it (PATH.NAME, PATH.NAME[ARGS], or either behind
// a *), around the space that ends that type: the first space outside
// brackets, parentheses, braces and quoted struct tags. found is false when
// the type runs to the end of s.
//
// The type arguments of an instantiated generic type hold spaces of their
// own (example.com/p.Pair[string, func(a int, b int)]) and a quoted tag in
// them may hold any bracket, so a plain cut at the first space would split
// inside the name.
func cutNamed(s string) (typ, rest string, found bool) { return cutTop(s, ' ') }

// cutTop cuts s around the first sep outside brackets, parentheses, braces
// and quoted struct tags, as strings.Cut does; found is false when there is
// none.
func cutTop(s string, sep byte) (before, after string, found bool) {
	depth, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case quoted && ch == '\\':
			i++
		case ch == '"':
			quoted = !quoted
		case quoted:
		case ch == '{' || ch == '(' || ch == '[':
			depth++
		case ch == '}' || ch == ')' || ch == ']':
			depth--
		case ch == sep && depth == 0:
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

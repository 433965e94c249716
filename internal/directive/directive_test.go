package directive

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

func parse(t testing.TB, src string) (*token.FileSet, *ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	return fset, f
}

func TestParseState(t *testing.T) {
	for _, tc := range []struct {
		text    string
		want    State
		wantErr string // substring; "" for success
		col     int    // expected error column offset (0: the comment)
	}{
		{text: "//routigen:state scope=job", want: State{Scope: ScopeJob}},
		{text: "//routigen:state scope=worker shared", want: State{Scope: ScopeWorker, Shared: true}},
		{text: "//routigen:state  shared   key=abc.Def  scope=job ", want: State{Scope: ScopeJob, Shared: true, Key: "abc.Def"}},
		{text: "//routigen:state", wantErr: "missing scope"},
		{text: "//routigen:state shared", wantErr: "missing scope"},
		{text: "//routigen:state scope=flow", wantErr: `unknown scope "flow"`, col: 17},
		{text: "//routigen:state scope", wantErr: `unknown scope ""`, col: 17},
		{text: "//routigen:state scope=job bogus", wantErr: `unknown option "bogus"`, col: 27},
		{text: "//routigen:state scope=job shared=1", wantErr: "takes no value", col: 27},
		{text: "//routigen:state scope=job key=", wantErr: "must be non-empty", col: 27},
		{text: "//routigen:state scope=job key=a/b", wantErr: "must be non-empty", col: 27},
		{text: "//routigen:state scope=job scope=job", wantErr: "given twice", col: 27},
		{text: "//routigen:ignore x y", wantErr: "not a //routigen:state"},
	} {
		got, err := ParseState(100, tc.text)
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.text, err)
				continue
			}
			tc.want.Pos = 100
			if got != tc.want {
				t.Errorf("%q: got %+v, want %+v", tc.text, got, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%q: error %v, want one containing %q", tc.text, err, tc.wantErr)
			continue
		}
		if !strings.HasPrefix(err.Error(), "routigen: ") {
			t.Errorf("%q: error %q lacks the routigen: prefix", tc.text, err)
		}
		if p := err.(*Error).Pos; p != token.Pos(100+tc.col) {
			t.Errorf("%q: error at offset %d, want %d", tc.text, p-100, tc.col)
		}
	}
}

func TestParseIgnore(t *testing.T) {
	ig, err := ParseIgnore(1, 10, "//routigen:ignore jobdata,workerkey kept for v1 readers")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ig.Checks, ",") != "jobdata,workerkey" || ig.Reason != "kept for v1 readers" {
		t.Errorf("got %+v", ig)
	}
	for _, bad := range []string{"//routigen:ignore", "//routigen:ignore jobdata", "//routigen:ignore a,,b why", "//routigen:state scope=job"} {
		if _, err := ParseIgnore(1, 2, bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseFile(t *testing.T) {
	src := `package p

// A is fine.
//
//routigen:state scope=job
type A struct{ N int }

type (
	// B is in a group.
	//routigen:state scope=worker shared key=b
	B struct{ N int }

	C struct{ N int }
)

//routigen:state scope=job
type D int

//routigen:state scope=job
type E[T any] struct{ V T }

//routigen:state scope=job
type F = A

//routigen:state scope=job
func g() {}

//routigen:state scope=job
var h = 1

//routigen:bogus
type I struct{}

type J struct {
	N int //routigen:state scope=job
}

//routigen:state scope=job
//routigen:state scope=job
type K struct{}

func l() {
	//routigen:ignore jobdata reason
	//routigen:nope
}
`
	fset, f := parse(t, src)
	res := ParseFile(f)
	var names []string
	for _, s := range res.States {
		names = append(names, s.Spec.Name.Name+":"+string(s.Scope))
	}
	if got := strings.Join(names, " "); got != "A:job B:worker K:job" {
		t.Errorf("states: %s", got)
	}
	if !res.States[1].Shared || res.States[1].Key != "b" {
		t.Errorf("B: %+v", res.States[1].State)
	}
	want := []string{
		"p.go:16:1: on D: must annotate a struct type",
		"p.go:19:1: generic state types are not supported",
		"p.go:22:1: on alias F",
		"p.go:25:1: not a function",
		"p.go:28:1: must annotate a struct type declaration",
		"p.go:31:1: unknown directive //routigen:bogus",
		"p.go:35:8: must be in the doc comment",
		"p.go:39:1: second //routigen:state on K",
		"p.go:44:2: unknown directive //routigen:nope",
	}
	if len(res.Errors) != len(want) {
		for _, e := range res.Errors {
			t.Logf("%s: %s", fset.Position(e.Pos), e.Msg)
		}
		t.Fatalf("got %d errors, want %d", len(res.Errors), len(want))
	}
	for i, e := range res.Errors {
		pos, sub, _ := strings.Cut(want[i], ": ")
		if got := fset.Position(e.Pos).String(); got != pos || !strings.Contains(e.Msg, sub) {
			t.Errorf("error %d: %s: %s; want %s", i, got, e.Msg, want[i])
		}
	}
}

func TestNames(t *testing.T) {
	n := NamesFor("LoopState")
	if n.Accessor != "LoopStateAccessor" || n.Of != "LoopStateOf" {
		t.Errorf("%+v", n)
	}
	if g, s := FieldMethods("Count"); g != "Count" || s != "SetCount" {
		t.Errorf("%s %s", g, s)
	}
	if got := StorageName("a/b", "T", State{}); got != "a/b.T" {
		t.Error(got)
	}
	if got := StorageName("a/b", "T", State{Key: "k"}); got != "k" {
		t.Error(got)
	}
}

// TestTable keeps the table consistent: every directive and option is
// documented, and ParseState accepts every option the table lists.
func TestTable(t *testing.T) {
	for _, s := range Directives {
		if s.Name == "" || s.Usage == "" || s.Doc == "" || s.Example == "" {
			t.Errorf("%s: incomplete spec %+v", s.Name, s)
		}
		if !strings.HasPrefix(s.Usage, Prefix+s.Name) {
			t.Errorf("%s: usage %q", s.Name, s.Usage)
		}
		for _, o := range s.Options {
			if o.Doc == "" {
				t.Errorf("%s %s: no doc", s.Name, o.Name)
			}
		}
	}
	st, _ := Lookup(NameState)
	for _, o := range st.Options {
		text := Prefix + "state scope=job"
		if o.Name != "scope" {
			text += " " + o.Name
			if o.Value != "" {
				text += "=x"
			}
		}
		if _, err := ParseState(1, text); err != nil {
			t.Errorf("option %s: %v", o.Name, err)
		}
		for _, v := range o.Values {
			if _, err := ParseState(1, Prefix+"state "+o.Name+"="+v); err != nil {
				t.Errorf("option %s=%s: %v", o.Name, v, err)
			}
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup(nope) found something")
	}
}

// TestParseOptionsFollowsTable parses against a table other than the real
// one: options, values, flags and required options come from the spec,
// not from the parser.
func TestParseOptionsFollowsTable(t *testing.T) {
	spec := Spec{Name: "demo", Options: []Option{
		{Name: "mode", Value: "fast|slow", Values: []string{"fast", "slow"}, Required: true},
		{Name: "loud"},
		{Name: "id", Value: "ID", check: func(v string) string {
			if v == "" {
				return "is empty"
			}
			return ""
		}},
	}}
	got, err := parseOptions(spec, 1, "//routigen:demo loud mode=slow id=7")
	if err != nil || len(got) != 3 || got["mode"] != "slow" || got["id"] != "7" || !hasOption(got, "loud") {
		t.Fatalf("parseOptions = %v, %v", got, err)
	}
	for text, want := range map[string]string{
		"//routigen:demo mode=fast scope=job": `//routigen:demo: unknown option "scope=job" (options: mode=fast|slow, loud, id=ID; see routigen explain demo)`,
		"//routigen:demo mode=medium":         `//routigen:demo: unknown mode "medium" (want mode=fast or mode=slow)`,
		"//routigen:demo loud":                `//routigen:demo: missing mode (add mode=fast or mode=slow)`,
		"//routigen:demo mode=fast loud=yes":  `//routigen:demo: option loud takes no value (got "loud=yes")`,
		"//routigen:demo mode=fast id=":       `//routigen:demo: id "" is empty`,
		"//routigen:state scope=job":          `not a //routigen:demo directive`,
	} {
		if _, err := parseOptions(spec, 1, text); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", text, err, want)
		}
	}
}

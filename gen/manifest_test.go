package gen

import (
	"slices"
	"strings"
	"testing"
)

const goodManifest = manifestHeader + `: the stored shape of the //routigen:state types of this
# package. routigen gen updates it, routigen check holds the code to it:
# commit it with the code. See routigen explain manifest.
package example.com/p

state A
	version 3
	since 2
	key k.A
	scope worker
	sharing shared
	field N map[string]func(int) (bool, error)
	field x struct{A int "json:\"a b\""}
	removed in 3: Old []example.com/p.Origin
	named example.com/p.Origin struct{Host string; Port int}
	named example.com/p.Pair[string, func(a int, b int)] struct{Key string; Val func(a int, b int)}
	named example.com/p.Pair[struct{A int "json:\"] x\""}, chan<- int] struct{Key struct{A int "json:\"] x\""}; Val chan<- int}

state B
	version 1
	since 1
	key example.com/p.B
	scope job
	sharing routine

state C (removed in version 4)
	version 3
	since 1
	key example.com/p.C
	scope worker
	sharing routine
	field N int
`

// TestManifestRoundTrip checks that format writes back exactly what
// parseManifest read, types with spaces and tags included.
func TestManifestRoundTrip(t *testing.T) {
	m, err := parseManifest([]byte(goodManifest))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.format()); got != goodManifest {
		t.Errorf("format(parse(m)) differs:\n%s", UnifiedDiff("want", "got", goodManifest, got))
	}
	a := m.types[0]
	if c := m.types[2]; c.removedIn != 4 || c.fields[0] != (mField{"N", "int"}) {
		t.Errorf("parsed %+v", c)
	}
	if a.version != 3 || a.since != 2 || !a.shared || a.removed[0] != (mRemoved{"Old", "[]example.com/p.Origin", 3}) || a.fields[1].typ != `struct{A int "json:\"a b\""}` {
		t.Errorf("parsed %+v", a)
	}
	// The name of an instantiated generic type holds spaces and, in a
	// quoted tag, brackets: it ends at the first space outside them.
	if n := a.named[2]; n.name != `example.com/p.Pair[struct{A int "json:\"] x\""}, chan<- int]` || n.underlying != `struct{Key struct{A int "json:\"] x\""}; Val chan<- int}` {
		t.Errorf("parsed named %q as %q", n.name, n.underlying)
	}
}

// TestManifestParseErrors checks that a damaged manifest is refused at the
// line that is wrong, never read as something else.
func TestManifestParseErrors(t *testing.T) {
	edit := func(old, new string) string {
		if !strings.Contains(goodManifest, old) {
			t.Fatalf("no %q in the manifest", old)
		}
		return strings.Replace(goodManifest, old, new, 1)
	}
	for _, c := range []struct {
		src  string
		line int
		want string
	}{
		{"package example.com/p\n", 1, "not a routigen manifest"},
		{edit("\tversion 3\n", "\tversion three\n"), 7, `bad or repeated version "three"`},
		{edit("\tsince 2\n", "\tsince 2\n\tsince 2\n"), 9, "bad or repeated since"},
		{edit("\tsince 2\n", "\tsince 4\n"), 6, "since (1 to version)"},
		{edit("\tkey k.A\n", ""), 6, "needs version, since (1 to version), key and scope"},
		{edit("\tscope worker\n", "\tscope forever\n"), 10, `unknown scope "forever"`},
		{edit("\tsharing shared\n", "\tsharing all\n"), 11, `unknown sharing "all"`},
		{edit("\tfield N ", "\tfield 1N "), 12, "bad field line"},
		{edit("\tfield x ", "\tfield A "), 13, "field A out of order or given twice"},
		{edit("removed in 3: ", "removed 3: "), 14, "bad removed line"},
		{edit("\tnamed example.com/p.Origin struct{Host string; Port int}\n", "\tnamed example.com/p.Origin\n"), 15, "bad named line"},
		{edit("\tnamed ", "\tcolour "), 15, `unknown line "colour`},
		{edit("\tnamed example.com/p.Pair[string,", "\tnamed example.com/p.A[string,"), 16, "named example.com/p.A[string, func(a int, b int)] out of order or given twice"},
		{edit("\tnamed example.com/p.Pair[string, func(a int, b int)] struct", "\tnamed example.com/p.Pair[string, func(a int, b int)]struct"), 16, "bad named line"},
		{edit("state B\n", "state A\n"), 19, "state A: out of order or given twice"},
		{edit("state B\n", "state B C\n"), 19, `state "B C": want NAME or NAME (removed in version N)`},
		{edit("state B\n", "state 1B\n"), 19, `state "1B": not a type name`},
		{edit("package example.com/p\n", ""), 31, "missing package line"},
		{edit("state C (removed in version 4)", "state C (removed in 4)"), 26, "want NAME or NAME (removed in version N)"},
		{edit("state C (removed in version 4)", "state C (removed in version 0)"), 26, "want NAME or NAME (removed in version N)"},
		{edit("\tversion 1\n", "version 1\n"), 20, `unexpected "version 1"`},
	} {
		_, err := parseManifest([]byte(c.src))
		le, ok := err.(*lineError)
		if !ok || le.line != c.line || !strings.Contains(le.msg, c.want) {
			t.Errorf("want line %d: %q; got %v", c.line, c.want, err)
		}
	}
}

// TestStructFields checks the split of a struct type's spelling into its
// fields, through nested types, signatures and quoted tags.
func TestStructFields(t *testing.T) {
	got, ok := structFields(`struct{example.com/p.Base; *example.com/p.Ptr; example.com/p.Pair[string, example.com/q.T]; *example.com/p.Gen[struct{A int "json:\"] b\""}] "tag"; A int "json:\"a;b\""; F func(int; string) (x, y); S struct{X int; Y []string}; M map[string][2]int}`)
	if !ok {
		t.Fatal("not a struct")
	}
	want := []structField{
		{"example.com/p.Base", "Base", "example.com/p.Base"},
		{"*example.com/p.Ptr", "Ptr", "*example.com/p.Ptr"},
		{"example.com/p.Pair[string, example.com/q.T]", "Pair", "example.com/p.Pair[string, example.com/q.T]"},
		{`*example.com/p.Gen[struct{A int "json:\"] b\""}] "tag"`, "Gen", `*example.com/p.Gen[struct{A int "json:\"] b\""}] "tag"`},
		{`A int "json:\"a;b\""`, "A", `int "json:\"a;b\""`},
		{"F func(int; string) (x, y)", "F", "func(int; string) (x, y)"},
		{"S struct{X int; Y []string}", "S", "struct{X int; Y []string}"},
		{"M map[string][2]int", "M", "map[string][2]int"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("structFields:\n got %q\nwant %q", got, want)
	}
	for _, u := range []string{"[]string", "struct{", "map[string]struct{A int}"} {
		if _, ok := structFields(u); ok {
			t.Errorf("structFields(%q) took it for a struct", u)
		}
	}
	if got, ok := structFields("struct{}"); !ok || len(got) != 0 {
		t.Errorf("structFields(struct{}) = %q, %v", got, ok)
	}
}

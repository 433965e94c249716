package gen_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/gen/gentest"
)

// TestFilePatterns: `routigen a.go` (as //go:generate go tool routigen
// $GOFILE writes it) would make the go command load an ad hoc package of
// that file alone, named command-line-arguments: the storage keys would
// take that name and the other files' state types would lose their
// accessors. A file pattern stands for the package in its directory.
func TestFilePatterns(t *testing.T) {
	dir := gentest.NewModule(t, "example.com/files", map[string][]byte{
		"a.go":     []byte("package files\n\n//routigen:state scope=job\ntype S struct{ N []int }\n"),
		"b.go":     []byte("package files\n\n//routigen:state scope=worker\ntype T struct{ M map[string]int }\n"),
		"sub/c.go": []byte("package sub\n\n//routigen:state scope=job\ntype U struct{ N int }\n"),
	})
	want := generate(t, dir, ".", "./sub")
	if err := want.Err(); err != nil {
		t.Fatal(err)
	}
	for _, patterns := range [][]string{
		{"a.go"},
		{"./a.go", "b.go", "sub/c.go"},
		{filepath.Join(dir, "b.go"), "./sub"},
	} {
		res := generate(t, dir, patterns...)
		if err := res.Err(); err != nil {
			t.Errorf("%q: %v", patterns, err)
			continue
		}
		got := map[string][]byte{}
		for _, p := range res.Packages {
			got[p.Path] = p.Content
		}
		for _, p := range want.Packages {
			if c, ok := got[p.Path]; ok && !bytes.Equal(c, p.Content) {
				t.Errorf("%q: %s differs from the package's run:\n%s", patterns, p.Path, gen.UnifiedDiff("package", "files", string(p.Content), string(c)))
			}
		}
		if _, ok := got["example.com/files"]; !ok {
			t.Errorf("%q: loaded %v, want example.com/files", patterns, keys(got))
		}
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

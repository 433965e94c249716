package gen_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
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

// TestOtherModule: a pattern such as all matches the packages of other
// modules too (the module cache, a replace directory). routigen writes
// only into the main module: a package of another module whose generated
// files would change is an error at the file, and nothing is written there.
func TestOtherModule(t *testing.T) {
	root := t.TempDir()
	lib := filepath.Join(root, "lib")
	gentest.WriteModule(t, lib, "example.com/lib", map[string][]byte{
		"lib.go": []byte("package lib\n\n//routigen:state scope=job\ntype S struct{ N []int }\n"),
	})
	app := filepath.Join(root, "app")
	gentest.WriteModule(t, app, "example.com/app", map[string][]byte{
		"app.go": []byte("package app\n\nimport _ \"example.com/lib\"\n\n//routigen:state scope=job\ntype A struct{ N []int }\n"),
	})
	gomod := filepath.Join(app, "go.mod")
	b, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, []byte("\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n")...)
	if err := os.WriteFile(gomod, b, 0o644); err != nil {
		t.Fatal(err)
	}
	res := generate(t, app, "all")
	var libSeen bool
	for _, p := range res.Packages {
		switch p.Path {
		case "example.com/app":
			if len(p.Errors) > 0 || p.Action() != gen.Write {
				t.Errorf("app: errors %v, action %v; want it written", p.Errors, p.Action())
			}
		case "example.com/lib":
			libSeen = true
			if len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Error(), "module example.com/lib, not to the main module") {
				t.Errorf("lib: errors %v; want one saying it is another module's", p.Errors)
			}
		}
	}
	if !libSeen {
		t.Error("lib not loaded")
	}
	if _, err := res.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(lib, gen.FileName)); err == nil {
		t.Errorf("routigen wrote into another module")
	}
	if _, err := os.Stat(filepath.Join(app, gen.FileName)); err != nil {
		t.Errorf("the main module's package was not written: %v", err)
	}
}

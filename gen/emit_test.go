package gen

import (
	"bytes"
	"context"
	"go/format"
	"os"
	"path/filepath"
	"testing"

	"github.com/routigen/routigen/gen/gentest"
)

// TestEmitAgreesWithJennifer renders the packages of the golden cases and
// a package of every simple field kind both ways: the fast emitter must
// write exactly what jennifer and go/format write, and gofmt-clean code.
func TestEmitAgreesWithJennifer(t *testing.T) {
	root := filepath.Join(gentest.RepoRoot(t), "testdata", "gen")
	files := map[string][]byte{}
	for _, c := range []string{"basic", "importclash", "fieldkinds", "exotic"} {
		tree := gentest.ReadTree(t, filepath.Join(root, c, "input"))
		for name, b := range tree {
			b = bytes.ReplaceAll(b, []byte("example.com/"+c), []byte("example.com/agree/"+c))
			files[c+"/"+name] = b
		}
	}
	dir := gentest.NewModule(t, "example.com/agree", files)
	pkgs, err := load(context.Background(), Config{Dir: dir}, []string{"./..."})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, lp := range pkgs {
		w := analyze(lp)
		if len(w.out.Errors) > 0 {
			t.Fatalf("%s: %v", lp.PkgPath, w.out.Errors)
		}
		if len(w.types) == 0 {
			continue
		}
		n++
		fast := emit(w)
		slow, err := renderJen(w)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast, slow) {
			os.WriteFile(filepath.Join(t.TempDir(), "fast.go"), fast, 0o644)
			t.Errorf("%s: emitter and jennifer differ (-jennifer +emitter):\n%s", lp.PkgPath, UnifiedDiff("jennifer", "emitter", string(slow), string(fast)))
		}
		if f, err := format.Source(fast); err != nil || !bytes.Equal(f, fast) {
			t.Errorf("%s: emitter output not gofmt-clean: %v", lp.PkgPath, err)
		}
	}
	if n != 4 {
		t.Errorf("compared %d packages, want 4", n)
	}
}

func TestExpandLayouts(t *testing.T) {
	src := "ab" + layoutMark + "0" + layoutEnd + "cd" + layoutMark + "1" + layoutEnd
	layouts := []string{"struct {\n\tA int\n}", "XY"}
	want := "abstruct {\n\tA int\n}cdXY"
	b := make([]byte, len(src), 64)
	copy(b, src)
	if _, ok := expandLayouts(b[:len(src):len(src)], 0, layouts); ok {
		t.Error("expanded without capacity")
	}
	got, ok := expandLayouts(b, 0, layouts)
	if !ok || string(got) != want {
		t.Errorf("got %q, %v; want %q", got, ok, want)
	}
}

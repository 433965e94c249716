package gen_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/gen/gentest"
)

const manifestHint = "run go test ./gen -run TestManifestCases -update to accept"

// TestManifestCases runs every case directory of testdata/manifest, each
// one change of a state type between two versions of a module:
//
//	v1/       the module at version 1 (a go.mod is added: module example.com/CASE)
//	v2/       files that replace or join v1's for version 2
//	errors    what gen and check report on version 2 ("" or absent: a
//	          compatible change)
//	accepted  for a breaking change: what gen -allow-breaking reports (and
//	          "still:" and the errors it cannot accept)
//	want/     the manifests after gen on version 2 (after gen
//	          -allow-breaking, for a breaking change), by path
//
// gen runs on version 1 and commits; then on version 2 it must report
// exactly errors, write nothing when there are any, and otherwise (or with
// AllowBreaking) leave exactly the manifests of want/. A second run must
// then find everything current.
func TestManifestCases(t *testing.T) {
	root := filepath.Join(gentest.RepoRoot(t), "testdata", "manifest")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			t.Run(e.Name(), func(t *testing.T) {
				t.Parallel()
				runManifestCase(t, filepath.Join(root, e.Name()))
			})
		}
	}
}

func runManifestCase(t *testing.T, caseDir string) {
	name := filepath.Base(caseDir)
	dir := gentest.NewModule(t, "example.com/"+name, gentest.ReadTree(t, filepath.Join(caseDir, "v1")))
	run := func(allow bool) (*gen.Result, string) {
		t.Helper()
		res, err := gen.Generate(context.Background(), gen.Config{Dir: dir, AllowBreaking: allow}, "./...")
		if err != nil {
			t.Fatal(err)
		}
		return res, relErrs(dir, res.Errs())
	}
	if res, errs := run(false); errs != "" {
		t.Fatalf("version 1: %s", errs)
	} else if _, err := res.Commit(); err != nil {
		t.Fatal(err)
	}
	gentest.WriteModule(t, dir, "example.com/"+name, gentest.ReadTree(t, filepath.Join(caseDir, "v2")))
	before := gentest.ReadTree(t, dir)

	res, gotErrs := run(false)
	var gotAccepted string
	if gotErrs != "" {
		// Nothing may be written for a package with errors.
		if _, err := res.Commit(); err != nil {
			t.Fatal(err)
		}
		for p, b := range gentest.ReadTree(t, dir) {
			if base := filepath.Base(p); (base == gen.ManifestName || base == gen.FileName) && !bytes.Equal(b, before[p]) {
				t.Errorf("%s written despite the errors", p)
			}
		}
		var left string
		res, left = run(true)
		for _, p := range res.Packages {
			gotAccepted += relErrs(dir, p.Accepted)
		}
		if left != "" { // not a breaking change: -allow-breaking does not help
			gotAccepted += "still:\n" + left
		}
	}
	if _, err := res.Commit(); err != nil {
		t.Fatal(err)
	}
	stuck := strings.Contains(gotAccepted, "still:\n")
	if again, errs := run(false); stuck && errs != gotErrs || !stuck && (errs != "" || len(again.Stale()) > 0) {
		t.Errorf("after the commit: errors %q, %d stale packages", errs, len(again.Stale()))
	}
	got := map[string][]byte{}
	for p, b := range gentest.ReadTree(t, dir) {
		if filepath.Base(p) == gen.ManifestName {
			got[p] = b
		}
	}
	compareGolden(t, caseDir, got, map[string]string{"errors": gotErrs, "accepted": gotAccepted})
}

// relErrs renders errors one a line, with file names relative to dir.
func relErrs(dir string, errs []*gen.Error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(strings.ReplaceAll(e.Error(), dir+string(filepath.Separator), "") + "\n")
	}
	return b.String()
}

// compareGolden compares the files of caseDir/want and the named text
// files of caseDir with got (or rewrites them, with -update).
func compareGolden(t *testing.T, caseDir string, got map[string][]byte, texts map[string]string) {
	t.Helper()
	wantDir := filepath.Join(caseDir, "want")
	if *update {
		os.RemoveAll(wantDir)
		for p, b := range got {
			dst := filepath.Join(wantDir, filepath.FromSlash(p))
			os.MkdirAll(filepath.Dir(dst), 0o755)
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for name, text := range texts {
			if text == "" {
				os.Remove(filepath.Join(caseDir, name))
			} else if err := os.WriteFile(filepath.Join(caseDir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := map[string][]byte{}
	if _, err := os.Stat(wantDir); err == nil {
		want = gentest.ReadTree(t, wantDir)
	}
	for _, p := range sortedKeys(want, got) {
		if !bytes.Equal(want[p], got[p]) {
			t.Errorf("%s differs from want/ (-want +got):\n%s\n%s", p, gen.UnifiedDiff("want/"+p, "got/"+p, string(want[p]), string(got[p])), manifestHint)
		}
	}
	for name, text := range texts {
		w, _ := os.ReadFile(filepath.Join(caseDir, name))
		if string(w) != text {
			t.Errorf("%s differ (-want +got):\n%s\n%s", name, gen.UnifiedDiff("want", "got", string(w), text), manifestHint)
		}
	}
}

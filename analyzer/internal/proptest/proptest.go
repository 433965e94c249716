// Package proptest runs a check over one generated package, for the
// checks' property tests: each builds many variants of a shape as the
// source of a package prop and compares the number of diagnostics with
// the number of variants that must be reported.
package proptest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

// Diagnostics writes src as package prop into a fresh tree beside copies
// of the directories deps of the test's testdata/src (the runtime stub,
// generated state packages), runs a over prop and returns how many
// diagnostics it reported. Should the test fail, its log gets src.
func Diagnostics(t *testing.T, a *analysis.Analyzer, src string, deps ...string) int {
	t.Helper()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("generated source:\n%s", src)
		}
	})
	dir := t.TempDir()
	for _, sub := range deps {
		copyTree(t, filepath.Join(analysistest.TestData(), "src", sub), filepath.Join(dir, "src", sub))
	}
	p := filepath.Join(dir, "src", "prop", "prop.go")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, res := range analysistest.Run(t, dir, a, "prop") {
		got += len(res.Diagnostics)
	}
	return got
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

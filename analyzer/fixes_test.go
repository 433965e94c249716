package analyzer_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/routigen/routigen/analyzer/lostupdate"
	"github.com/routigen/routigen/analyzer/nilfallback"
)

// TestFixesCompileAndSettle checks what the .golden files of the checks'
// fix tests only show: the fixed code type-checks, and running the check
// on it again offers no fix (applying the fixes twice changes nothing
// more). It puts each package's .golden content in place of its source
// and runs the check there.
func TestFixesCompileAndSettle(t *testing.T) {
	for _, tc := range []struct {
		a    *analysis.Analyzer
		pkgs []string
	}{
		{lostupdate.Analyzer, []string{"state", "counters"}},
		{nilfallback.Analyzer, []string{"fix", "fixret"}},
	} {
		t.Run(tc.a.Name, func(t *testing.T) {
			dir := t.TempDir()
			goldens := fixedTree(t, filepath.Join(tc.a.Name, "testdata"), dir)
			if goldens == 0 {
				t.Fatal("no .golden file: the test looks at nothing")
			}
			var rec recorder
			results := analysistest.Run(&rec, dir, tc.a, tc.pkgs...)
			for _, m := range rec {
				// The // want comments of the goldens are the original's:
				// the fixed diagnostics are gone, which is the point.
				if !strings.Contains(m, "unexpected diagnostic") && !strings.Contains(m, "no diagnostic was reported") {
					t.Errorf("the fixed code: %s", m)
				}
			}
			if len(results) == 0 {
				t.Fatal("no results")
			}
			for _, res := range results {
				for _, d := range res.Diagnostics {
					if len(d.SuggestedFixes) > 0 {
						t.Errorf("%s: after the fixes, %q still offers a fix", res.Pass.Fset.Position(d.Pos), d.Message)
					}
				}
			}
		})
	}
}

// fixedTree copies the tree src to dst with the content of every X.go.golden
// in place of X.go, and returns the number of .golden files.
func fixedTree(t *testing.T, src, dst string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".golden") {
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
		if g, err := os.ReadFile(path + ".golden"); err == nil {
			b = g
			n++
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
	return n
}

// recorder is an analysistest.Testing that keeps what it is told.
type recorder []string

func (r *recorder) Errorf(format string, args ...any) { *r = append(*r, fmt.Sprintf(format, args...)) }

package analyzer_test

import (
	"go/ast"
	"go/token"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/routigen/routigen/analyzer/jobdata"
	"github.com/routigen/routigen/analyzer/lostupdate"
	"github.com/routigen/routigen/analyzer/nilfallback"
	"github.com/routigen/routigen/analyzer/workerkey"
)

// TestPositions: every diagnostic of every check (and its related
// information), over the checks' own test packages, starts where the code
// it names starts — a call, a
// statement, an expression or a directive comment — not at a token inside
// it (an SSA call's Lparen, a map update's Lbrack), so that an editor
// underlines the right code and the column in "file:line:col" is the one
// the user would point at.
func TestPositions(t *testing.T) {
	for _, tc := range []struct {
		a    *analysis.Analyzer
		pkgs []string
	}{
		{jobdata.Analyzer, []string{"jobs", "mapx"}},
		{nilfallback.Analyzer, []string{"a", "errs", "helpers", "states", "precision", "logx", "fix", "fixret"}},
		{workerkey.Analyzer, []string{"workers"}},
		{lostupdate.Analyzer, []string{"state", "counters", "handwritten", "fnutil"}},
	} {
		t.Run(tc.a.Name, func(t *testing.T) {
			dir, err := filepath.Abs(filepath.Join(tc.a.Name, "testdata"))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, res := range analysistest.Run(t, dir, tc.a, tc.pkgs...) {
				starts := nodeStarts(res.Pass.Files)
				for _, d := range res.Diagnostics {
					n++
					if !starts[d.Pos] {
						t.Errorf("%s: %q starts inside the code it names, not at the start of an expression, statement or comment",
							res.Pass.Fset.Position(d.Pos), d.Message)
					}
					if d.End.IsValid() && d.End < d.Pos {
						t.Errorf("%s: %q ends before it starts", res.Pass.Fset.Position(d.Pos), d.Message)
					}
					for _, rel := range d.Related {
						if !starts[rel.Pos] {
							t.Errorf("%s: related %q starts inside the code it names", res.Pass.Fset.Position(rel.Pos), rel.Message)
						}
					}
				}
			}
			if n == 0 {
				t.Fatal("no diagnostics: the test looks at nothing")
			}
		})
	}
}

// nodeStarts returns the positions at which a node or a comment of files
// starts.
func nodeStarts(files []*ast.File) map[token.Pos]bool {
	out := map[token.Pos]bool{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if n != nil {
				out[n.Pos()] = true
			}
			return true
		})
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				out[c.Pos()] = true
			}
		}
	}
	return out
}

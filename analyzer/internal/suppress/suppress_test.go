package suppress_test

import (
	"fmt"
	"go/ast"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/routigen/routigen/analyzer/internal/suppress"
)

// badCalls returns an analyzer named name that reports every call of a
// function named bad through the suppression rules.
func badCalls(name string) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name: name,
		Doc:  "test analyzer",
		Run: func(pass *analysis.Pass) (any, error) {
			r := suppress.New(pass)
			for _, f := range pass.Files {
				ast.Inspect(f, func(n ast.Node) bool {
					if call, ok := n.(*ast.CallExpr); ok {
						if id, ok := call.Fun.(*ast.Ident); ok {
							if fn, ok := pass.TypesInfo.Uses[id].(*types.Func); ok && fn.Name() == "bad" {
								r.Reportf(call.Pos(), "bad call")
							}
						}
					}
					return true
				})
			}
			r.Finish()
			return nil, nil
		},
	}
}

func TestSuppress(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), badCalls("workerkey"), "a")
}

// TestDirectives: bad //routigen: directives are reported by the first
// check (jobdata), and only by it.
func TestDirectives(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), badCalls("jobdata"), "directives")
}

// TestOwnership runs several checks together and asserts that each
// malformed or unknown-check ignore is reported exactly once, by its owner.
func TestOwnership(t *testing.T) {
	dir, err := filepath.Abs(analysistest.TestData())
	if err != nil {
		t.Fatal(err)
	}
	cfg := &packages.Config{
		Mode: packages.LoadAllSyntax,
		Dir:  dir,
		Env:  append(os.Environ(), "GOPATH="+dir, "GO111MODULE=off", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, "owner")
	if err != nil || packages.PrintErrors(pkgs) > 0 {
		t.Fatalf("load: %v", err)
	}
	var as []*analysis.Analyzer
	for _, n := range suppress.Checks {
		as = append(as, badCalls(n))
	}
	g, err := checker.Analyze(as, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for act := range g.All() {
		for _, d := range act.Diagnostics {
			p := act.Package.Fset.Position(d.Pos)
			msg, ok := strings.CutPrefix(d.Message, act.Analyzer.Name+": ")
			if !ok || strings.Contains(msg, act.Analyzer.Name) {
				t.Errorf("%d: %q does not name %s exactly once, in front", p.Line, d.Message, act.Analyzer.Name)
			}
			if i := strings.Index(msg, ":"); i >= 0 && strings.HasPrefix(msg, "malformed") {
				msg = msg[:i]
			} else if strings.HasPrefix(msg, "unused") {
				msg = "unused"
			} else if strings.Contains(msg, "unknown check") {
				msg = "unknown"
			} else if strings.HasPrefix(msg, "bad directive") {
				msg = "bad directive"
			}
			got = append(got, fmt.Sprintf("%d %s %s", p.Line, act.Analyzer.Name, msg))
		}
	}
	slices.Sort(got)
	want := []string{
		// //routigen:ignore (no names): jobdata reports it; bad() reported by all.
		"6 jobdata malformed ignore directive",
		"7 jobdata bad call", "7 lostupdate bad call", "7 nilfallback bad call", "7 workerkey bad call",
		// frobnicate only: jobdata reports the unknown name and, as it
		// names none of them, nothing is suppressed.
		"8 jobdata unknown",
		"9 jobdata bad call", "9 lostupdate bad call", "9 nilfallback bad call", "9 workerkey bad call",
		// no reason: reported once by the first named check in Checks order (jobdata).
		"10 jobdata malformed ignore directive",
		"11 jobdata bad call", "11 lostupdate bad call", "11 nilfallback bad call", "11 workerkey bad call",
		// unknown name among known ones: workerkey (before lostupdate) reports it.
		"12 workerkey unknown",
		"13 jobdata bad call", "13 nilfallback bad call",
		// unused: each named check reports its own.
		"14 lostupdate unused", "14 workerkey unused",
		// a bad directive other than ignore: the first check reports it.
		"18 jobdata bad directive",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n got %q\nwant %q", got, want)
	}
}

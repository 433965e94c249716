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

// TestSuppress runs one check with no driver's word on which checks run:
// it reports every bad directive itself.
func TestSuppress(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), badCalls("workerkey"), "a")
}

// TestDirectives: bad //routigen: directives are reported by a check
// running alone, whichever it is, naming it once.
func TestDirectives(t *testing.T) {
	for _, name := range suppress.Checks {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "src", "directives")
			src, err := os.ReadFile(filepath.Join(analysistest.TestData(), "src", "directives", "directives.go"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			// The fixture's // want comments name jobdata.
			src = []byte(strings.ReplaceAll(string(src), "`jobdata: ", "`"+name+": "))
			if err := os.WriteFile(filepath.Join(dir, "directives.go"), src, 0o644); err != nil {
				t.Fatal(err)
			}
			analysistest.Run(t, filepath.Dir(filepath.Dir(dir)), badCalls(name), "directives")
		})
	}
}

// enable is SetEnabled for the length of a test.
func enable(t *testing.T, names []string) {
	suppress.SetEnabled(names)
	t.Cleanup(func() { suppress.SetEnabled(nil) })
}

// runOwner runs the checks run together on testdata/src/owner, after a
// driver said enabled run (nil: no driver's word), and returns what each
// reported as "line check what", sorted. It checks that every message names
// its check exactly once, in front.
func runOwner(t *testing.T, run, enabled []string) []string {
	t.Helper()
	enable(t, enabled)
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
	for _, n := range run {
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
	return got
}

// badCallLines are the diagnostics of the bad() calls in owner, for the
// checks in run: line 13 is suppressed for workerkey and lostupdate.
func badCallLines(run []string) []string {
	var out []string
	for _, n := range run {
		for _, line := range []int{7, 9, 11, 13} {
			if line == 13 && (n == "workerkey" || n == "lostupdate") {
				continue
			}
			out = append(out, fmt.Sprintf("%d %s bad call", line, n))
		}
	}
	return out
}

// TestOwnership runs checks together, as a driver that says which run
// does, and asserts that each bad directive is reported exactly once, by
// its owner: the first running check the ignore names, else the first
// running check.
func TestOwnership(t *testing.T) {
	for _, c := range []struct {
		name string
		run  []string
		want []string // besides the bad calls
	}{{
		name: "all",
		run:  suppress.Checks,
		want: []string{
			// //routigen:ignore (no names): jobdata, the first check.
			"6 jobdata malformed ignore directive",
			// frobnicate only: jobdata reports the unknown name and, as it
			// names none of them, nothing is suppressed.
			"8 jobdata unknown",
			// no reason: the first named check in Checks order (jobdata).
			"10 jobdata malformed ignore directive",
			// unknown name among known ones: workerkey (before lostupdate).
			"12 workerkey unknown",
			// unused: each named check reports its own.
			"14 lostupdate unused", "14 workerkey unused",
			// a bad directive other than ignore: the first check.
			"18 jobdata bad directive",
		},
	}, {
		name: "jobdata off",
		run:  []string{"nilfallback", "workerkey", "lostupdate"},
		want: []string{
			"6 nilfallback malformed ignore directive",
			"8 nilfallback unknown",
			"10 workerkey malformed ignore directive", // names workerkey,jobdata
			"12 workerkey unknown",
			"14 lostupdate unused", "14 workerkey unused",
			"18 nilfallback bad directive",
		},
	}, {
		name: "workerkey off",
		run:  []string{"jobdata", "nilfallback", "lostupdate"},
		want: []string{
			"6 jobdata malformed ignore directive",
			"8 jobdata unknown",
			"10 jobdata malformed ignore directive",
			"12 lostupdate unknown", // names lostupdate,workerkey
			"14 lostupdate unused",
			"18 jobdata bad directive",
		},
	}, {
		name: "lostupdate alone",
		run:  []string{"lostupdate"},
		want: []string{
			"6 lostupdate malformed ignore directive",
			"8 lostupdate unknown",
			"10 lostupdate malformed ignore directive", // names none that runs
			"12 lostupdate unknown",
			"14 lostupdate unused",
			"18 lostupdate bad directive",
		},
	}} {
		t.Run(c.name, func(t *testing.T) {
			got := runOwner(t, c.run, c.run)
			want := append(badCallLines(c.run), c.want...)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("diagnostics:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// TestNoDriverWord: without SetEnabled, each check reports every bad
// directive, as if it ran alone; nothing is lost.
func TestNoDriverWord(t *testing.T) {
	got := runOwner(t, suppress.Checks, nil)
	want := badCallLines(suppress.Checks)
	for _, n := range suppress.Checks {
		want = append(want,
			"6 "+n+" malformed ignore directive", "8 "+n+" unknown", "10 "+n+" malformed ignore directive",
			"12 "+n+" unknown", "18 "+n+" bad directive")
	}
	want = append(want, "14 lostupdate unused", "14 workerkey unused")
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n got %q\nwant %q", got, want)
	}
}

// TestSetEnabled: names that are not checks are ignored, and the order is
// Checks' whatever the driver's.
func TestSetEnabled(t *testing.T) {
	enable(t, []string{"lostupdate", "printf", "nilfallback"})
	got := runOwner(t, []string{"nilfallback", "lostupdate"}, []string{"lostupdate", "printf", "nilfallback"})
	if !slices.Contains(got, "18 nilfallback bad directive") || slices.Contains(got, "18 lostupdate bad directive") {
		t.Errorf("nilfallback, first in Checks order, does not own the bad directive:\n%q", got)
	}
}

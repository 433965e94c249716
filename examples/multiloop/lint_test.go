package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/routigen/routigen/analyzer"
)

// lint runs analyzers over the packages of patterns (relative to the
// repository root) as `routigen lint` does and returns the diagnostics of
// those packages as "file:line: [check] message".
func lint(t *testing.T, analyzers []*analysis.Analyzer, patterns ...string) []string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// Only the named packages come from source; their dependencies' types
	// come from export data, and the checks run on the named packages
	// alone (no facts from dependencies). That keeps the test fast, and
	// the diagnostics it wants are about the package's own code.
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadSyntax | packages.NeedModule, Dir: root}, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	if n := packages.PrintErrors(pkgs); n > 0 {
		t.Fatalf("%d errors loading %v", n, patterns)
	}
	for _, p := range pkgs {
		p.Imports = nil
	}
	graph, err := checker.Analyze(analyzers, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for act := range graph.All() {
		if !act.IsRoot {
			continue
		}
		if act.Err != nil {
			t.Fatalf("%s on %s: %v", act.Analyzer.Name, act.Package.PkgPath, act.Err)
		}
		for _, d := range act.Diagnostics {
			pos := act.Package.Fset.Position(d.Pos)
			out = append(out, fmt.Sprintf("%s:%d: [%s] %s", filepath.Base(pos.Filename), pos.Line, act.Analyzer.Name, d.Message))
		}
	}
	slices.Sort(out)
	return out
}

// routigen lint flags the old-way flat key (jobdata) and the fallback on a
// missing job (nilfallback), and has nothing to say about the
// generated-state version. (The CI lints every
// example with routigen lint ./...)
func TestLint(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and type-checks packages from source")
	}
	analyzers := analyzer.All()
	flat := lint(t, analyzers, "./testdata/multiloop_flatkey")
	t.Logf("testdata/multiloop_flatkey:\n%s", strings.Join(flat, "\n"))
	has := func(check, substr string) bool {
		return slices.ContainsFunc(flat, func(d string) bool {
			return strings.Contains(d, " ["+check+"] ") && strings.Contains(d, substr)
		})
	}
	if !has("jobdata", "loop_iteration") {
		t.Errorf("jobdata does not report SetData(\"loop_iteration\", …) in testdata/multiloop_flatkey")
	}
	if !has("nilfallback", "runtime.JobFromContext") {
		t.Errorf("nilfallback does not report the JobFromContext fallback in testdata/multiloop_flatkey")
	}
	if clean := lint(t, analyzers, "./examples/multiloop/..."); len(clean) > 0 {
		t.Errorf("examples/multiloop is not lint-clean:\n%s", strings.Join(clean, "\n"))
	}
}

package golangci_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/routigen/routigen/analyzer"
	_ "github.com/routigen/routigen/analyzer/golangci"
)

func build(t *testing.T, settings any) []*analysis.Analyzer {
	t.Helper()
	newPlugin, err := register.GetPlugin("routigen")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(settings)
	if err != nil {
		t.Fatal(err)
	}
	if m := p.GetLoadMode(); m != register.LoadModeTypesInfo {
		t.Errorf("load mode %q, want %q", m, register.LoadModeTypesInfo)
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	return as
}

func names(as []*analysis.Analyzer) []string {
	var n []string
	for _, a := range as {
		n = append(n, a.Name)
	}
	return n
}

func TestPlugin(t *testing.T) {
	as := build(t, nil)
	if got, want := names(as), names(analyzer.All()); !slices.Equal(got, want) {
		t.Errorf("analyzers %v, want %v", got, want)
	}
	if err := analysis.Validate(as); err != nil {
		t.Fatal(err)
	}
	got := names(build(t, map[string]any{"disable": []any{"lostupdate"}}))
	if slices.Contains(got, "lostupdate") || !slices.Contains(got, "jobdata") {
		t.Errorf("disable lostupdate: got %v", got)
	}
	newPlugin, _ := register.GetPlugin("routigen")
	if _, err := newPlugin(map[string]any{"disable": []any{"nosuch"}}); err == nil {
		t.Error("unknown check in disable: no error")
	}
	if _, err := newPlugin(map[string]any{"nosuch": true}); err == nil {
		t.Error("unknown setting: no error")
	}
}

// TestRun runs analyzers the plugin builds on a package with a finding.
func TestRun(t *testing.T) {
	pkgs := map[string]string{"jobdata": "jobs", "workerkey": "workers"}
	for _, a := range build(t, map[string]any{"disable": []any{}}) {
		if pkg, ok := pkgs[a.Name]; ok {
			analysistest.Run(t, analysistest.TestData(), a, pkg)
		}
	}
}

// TestOneName checks the rule of SPEC §3 for golangci-lint: it prints
// "ANALYZER: MESSAGE (routigen)" for an analyzer whose name is not the
// linter's, so the plugin's messages must not name the check themselves.
func TestOneName(t *testing.T) {
	pkgs := map[string]string{"jobdata": "jobs", "workerkey": "workers"}
	n := 0
	for _, a := range build(t, nil) {
		pkg, ok := pkgs[a.Name]
		if !ok {
			continue
		}
		for _, r := range analysistest.Run(t, analysistest.TestData(), a, pkg) {
			for _, d := range r.Diagnostics {
				n++
				text := a.Name + ": " + d.Message // golangci-lint's issue text
				if c := strings.Count(text, a.Name); c != 1 {
					t.Errorf("golangci-lint would print %q: names %s %d times, want once", text, a.Name, c)
				}
			}
		}
	}
	if n != 2 {
		t.Errorf("%d diagnostics, want 2", n)
	}
}

// TestDirectiveOnce: whichever checks the settings disable, a bad
// //routigen: directive is reported exactly once, by the first check that
// runs, in golangci-lint's voice (no name in the message).
func TestDirectiveOnce(t *testing.T) {
	t.Cleanup(func() { analyzer.SetEnabled(nil) })
	dir, err := filepath.Abs(analysistest.TestData())
	if err != nil {
		t.Fatal(err)
	}
	cfg := &packages.Config{
		Mode: packages.LoadAllSyntax,
		Dir:  dir,
		Env:  append(os.Environ(), "GOPATH="+dir, "GO111MODULE=off", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, "directives")
	if err != nil || packages.PrintErrors(pkgs) > 0 {
		t.Fatalf("load: %v", err)
	}
	for _, c := range []struct {
		disable []any
		want    string
	}{
		{nil, "jobdata"},
		{[]any{"jobdata"}, "nilfallback"},
		{[]any{"jobdata", "nilfallback"}, "workerkey"},
		{[]any{"jobdata", "nilfallback", "workerkey"}, "lostupdate"},
		{[]any{"nilfallback", "workerkey", "lostupdate"}, "jobdata"},
	} {
		as := build(t, map[string]any{"disable": c.disable})
		g, err := checker.Analyze(as, pkgs, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for act := range g.All() {
			for _, d := range act.Diagnostics {
				got = append(got, act.Analyzer.Name+": "+d.Message)
			}
		}
		want := c.want + ": bad directive: unknown directive //routigen:stat "
		if len(got) != 1 || !strings.HasPrefix(got[0], want) {
			t.Errorf("disable %v: reported %q, want %q", c.disable, got, want)
		}
	}
}

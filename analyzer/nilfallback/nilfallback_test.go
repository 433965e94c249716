package nilfallback_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/routigen/routigen/analyzer/nilfallback"
)

func TestNilfallback(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), nilfallback.Analyzer,
		"a", "errs", "helpers", "states", "github.com/routigen/routigen/runtime", "github.com/routigen/routigen/runtime/runtimetest", "precision", "logx")
}

func TestSuggestedFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), nilfallback.Analyzer, "fix", "fixret")
}

func TestDoc(t *testing.T) {
	doc := nilfallback.Analyzer.Doc
	first, rest, _ := strings.Cut(doc, "\n\n")
	if first != "report context lookups whose missing case falls back" {
		t.Errorf("summary %q", first)
	}
	for _, want := range []string{"What is reported.", "Facts.", "Bad:", "Good:", "\tfunc count(", "//routigen:ignore nilfallback"} {
		if !strings.Contains(rest, want) {
			t.Errorf("doc lacks %q:\n%s", want, doc)
		}
	}
	if nilfallback.Analyzer.Name != "nilfallback" || nilfallback.Analyzer.URL != "https://github.com/routigen/routigen#nilfallback" {
		t.Errorf("name %q, url %q", nilfallback.Analyzer.Name, nilfallback.Analyzer.URL)
	}
}

// TestDirectives: run on its own, with no driver's word on which checks
// run, nilfallback reports every bad //routigen: directive itself.
func TestDirectives(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), nilfallback.Analyzer, "directives")
}

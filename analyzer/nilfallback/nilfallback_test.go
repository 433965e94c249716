package nilfallback_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/routigen/routigen/analyzer/nilfallback"
)

func TestNilfallback(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), nilfallback.Analyzer,
		"a", "cells", "errs", "helpers", "states", "github.com/routigen/routigen/runtime", "github.com/routigen/routigen/runtime/runtimetest", "precision", "logx")
}

func TestSuggestedFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), nilfallback.Analyzer, "fix", "fixret")
}

// TestCgo: a user's file that imports "C" reaches the check as cgo's
// translation, under cgo's "Code generated" header. It is checked as the
// user's code (not skipped as generated), and its diagnostics carry no
// fix: the edits would have the translation's offsets.
func TestCgo(t *testing.T) {
	n := 0
	for _, res := range analysistest.Run(t, analysistest.TestData(), nilfallback.Analyzer, "cgofix") {
		for _, d := range res.Diagnostics {
			n++
			if len(d.SuggestedFixes) > 0 {
				t.Errorf("%s: %q carries a fix in cgo's translation", res.Pass.Fset.Position(d.Pos), d.Message)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d diagnostics, want 2", n)
	}
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

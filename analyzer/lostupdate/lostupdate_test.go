package lostupdate_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/routigen/routigen/analyzer/lostupdate"
)

func Test(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), lostupdate.Analyzer, "state", "counters", "handwritten", "fnutil")
}

// TestDirectives: run on its own, with no driver's word on which checks
// run, lostupdate reports every bad //routigen: directive itself.
func TestDirectives(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), lostupdate.Analyzer, "directives")
}

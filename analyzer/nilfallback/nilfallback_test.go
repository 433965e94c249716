package nilfallback_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/routigen/routigen/analyzer/nilfallback"
)

func TestNilfallback(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), nilfallback.Analyzer,
		"a", "errs", "helpers", "states", "github.com/routigen/routigen/runtime", "github.com/routigen/routigen/runtime/runtimetest")
}

func TestSuggestedFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), nilfallback.Analyzer, "fix")
}

package jobdata_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/routigen/routigen/analyzer/jobdata"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), jobdata.Analyzer, "jobs", "mapx")
}

// TestDirectives: run on its own, with no driver's word on which checks
// run, jobdata reports every bad //routigen: directive itself.
func TestDirectives(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), jobdata.Analyzer, "directives")
}

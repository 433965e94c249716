package workerkey_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/routigen/routigen/analyzer/workerkey"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), workerkey.Analyzer, "workers")
}

// TestDirectives: run on its own, with no driver's word on which checks
// run, workerkey reports every bad //routigen: directive itself.
func TestDirectives(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), workerkey.Analyzer, "directives")
}

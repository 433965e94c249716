package workerkey_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/routigen/routigen/analyzer/workerkey"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), workerkey.Analyzer, "workers")
}

// Package analyzer gathers routigen's static checks. Each check lives in a
// package of its own under this one (analyzer/jobdata, analyzer/nilfallback,
// analyzer/workerkey, analyzer/lostupdate), with the usual
// `var Analyzer = &analysis.Analyzer{...}`; All lists them for the drivers:
// `routigen lint`, `go vet -vettool` and the golangci-lint plugin.
//
// Shared machinery lives in analyzer/internal: suppress (reporting, generated
// files and //routigen:ignore), accessors (facts on generated accessors),
// rtapi (matching the runtime API), flow (SSA data flow) and docs (each
// check's Doc comes from its doc.go).
package analyzer

import (
	"golang.org/x/tools/go/analysis"

	"github.com/routigen/routigen/analyzer/jobdata"
	"github.com/routigen/routigen/analyzer/lostupdate"
	"github.com/routigen/routigen/analyzer/nilfallback"
	"github.com/routigen/routigen/analyzer/workerkey"
)

// All returns every routigen check, in a fixed order: jobdata, nilfallback,
// workerkey, lostupdate.
func All() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		jobdata.Analyzer,
		nilfallback.Analyzer,
		workerkey.Analyzer,
		lostupdate.Analyzer,
	}
}

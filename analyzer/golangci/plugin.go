// Package golangci is routigen's golangci-lint module plugin: it registers
// the linter "routigen", which runs every check of analyzer.All (jobdata,
// nilfallback, workerkey, lostupdate) with type information.
//
// It is a module of its own, so that the main module does not depend on
// github.com/golangci/plugin-module-register. See README.md for the
// .custom-gcl.yml and .golangci.yml to use it.
//
// Settings (linters.settings.custom.routigen.settings):
//
//	disable: [lostupdate]   # checks not to run; every check runs by default
package golangci

import (
	"fmt"
	"slices"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/routigen/routigen/analyzer"
)

func init() {
	register.Plugin("routigen", New)
}

// Settings are the plugin's settings in .golangci.yml.
type Settings struct {
	// Disable lists checks not to run, by name.
	Disable []string `json:"disable"`
}

// Plugin is the routigen linter.
type Plugin struct {
	settings Settings
}

var _ register.LinterPlugin = (*Plugin)(nil)

// New returns the plugin for the raw settings golangci-lint passes.
func New(settings any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](settings)
	if err != nil {
		return nil, fmt.Errorf("routigen: %w", err)
	}
	var names []string
	for _, a := range analyzer.All() {
		names = append(names, a.Name)
	}
	for _, d := range s.Disable {
		if !slices.Contains(names, d) {
			return nil, fmt.Errorf("routigen: disable: unknown check %q (checks: %v)", d, names)
		}
	}
	return &Plugin{settings: s}, nil
}

// BuildAnalyzers returns the enabled checks, in golangci-lint's voice (see
// unprefixed), and tells them which run, so that the first of them reports
// each bad //routigen: directive, once (see package analyzer).
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	var out []*analysis.Analyzer
	var names []string
	for _, a := range analyzer.All() {
		if !slices.Contains(p.settings.Disable, a.Name) {
			out = append(out, unprefixed(a))
			names = append(names, a.Name)
		}
	}
	analyzer.SetEnabled(names)
	return out, nil
}

// unprefixed returns a copy of the check a whose diagnostics do not start
// with its name. Every routigen message names its check in front ("jobdata:
// ..."), because go vet and the checker print messages as they are;
// golangci-lint puts the analyzer's name in front itself whenever it
// differs from the linter's ("routigen"), so the plugin takes the
// message's own off, and the name appears once.
func unprefixed(a *analysis.Analyzer) *analysis.Analyzer {
	w := *a
	w.Run = func(pass *analysis.Pass) (any, error) {
		p := *pass
		p.Report = func(d analysis.Diagnostic) {
			d.Message = strings.TrimPrefix(d.Message, a.Name+": ")
			pass.Report(d)
		}
		return a.Run(&p)
	}
	return &w
}

// GetLoadMode asks for type information: the checks need types and facts.
func (p *Plugin) GetLoadMode() string { return register.LoadModeTypesInfo }

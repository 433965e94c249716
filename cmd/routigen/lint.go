package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/routigen/routigen/analyzer"
)

// isVetProtocol reports whether args (os.Args[1:]) are a call from
// `go vet -vettool` or `go fix -fixtool`: a version query, a flags query or
// a unit config file.
func isVetProtocol(args []string) bool {
	if len(args) == 0 {
		return false
	}
	a := args[len(args)-1]
	return strings.HasPrefix(args[0], "-V") || args[0] == "-flags" || strings.HasSuffix(a, ".cfg")
}

// vetToolMain is routigen as the go command's vet tool: one package (a
// unit) per process, facts and results cached by the go command. It tells
// the checks which of them run, so that one of them reports each bad
// directive (see package analyzer).
func vetToolMain() {
	analyzer.SetEnabled(enabledChecks(os.Args[1:]))
	flag.BoolVar(&testFiles, "test", true, "report diagnostics in _test.go files too (go vet checks tests; -test=false drops what they hold)")
	var as []*analysis.Analyzer
	for _, a := range analyzer.All() {
		as = append(as, outsideTests(a))
	}
	unitchecker.Main(as...)
}

// testFiles is the vet tool's -test flag, the checker's: whether
// diagnostics in _test.go files are reported. go vet always analyses a
// package with its tests (facts and all); with -test=false the tool drops
// what is reported in test files, and so go vet -fix does not touch them.
var testFiles = true

// outsideTests returns a copy of a that, when testFiles is false, drops
// the diagnostics positioned in _test.go files.
func outsideTests(a *analysis.Analyzer) *analysis.Analyzer {
	w := *a
	w.Run = func(pass *analysis.Pass) (any, error) {
		if testFiles {
			return a.Run(pass)
		}
		p := *pass
		p.Report = func(d analysis.Diagnostic) {
			if tf := pass.Fset.File(d.Pos); tf != nil && strings.HasSuffix(tf.Name(), "_test.go") {
				return
			}
			pass.Report(d)
		}
		return a.Run(&p)
	}
	return &w
}

// enabledChecks returns the checks the checker runs for its arguments, by
// its rule: the checks named by -CHECK or -CHECK=true when there are any,
// else every check but those turned off with -CHECK=false. The go command
// passes flags as -name or -name=value; only the checks' own are read here,
// anywhere among the arguments (the checker parses them all).
func enabledChecks(args []string) []string {
	set := map[string]bool{}
	for _, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") {
			continue
		}
		on := true
		if hasValue {
			b, err := strconv.ParseBool(value)
			if err != nil {
				continue // the checker rejects it
			}
			on = b
		}
		set[name] = on
	}
	var only, all []string
	for _, a := range analyzer.All() {
		on, named := set[a.Name]
		if named && on {
			only = append(only, a.Name)
		}
		if !named || on {
			all = append(all, a.Name)
		}
	}
	if len(only) > 0 {
		return only
	}
	return all
}

// lintOptions are the flags of `routigen lint`.
type lintOptions struct {
	json, fix, diff bool
	test            optionalBool // -test=false: no diagnostics in _test.go files
	tags            string
	context         int
	checks          map[string]*optionalBool // per-check enable flags, as the checker's
	packages        []string
}

// optionalBool is a boolean flag that remembers whether it was set.
type optionalBool struct {
	set, value bool
}

func (b *optionalBool) String() string {
	if b == nil || !b.set {
		return ""
	}
	return fmt.Sprint(b.value)
}

func (b *optionalBool) Set(s string) error {
	switch s {
	case "true", "1", "t", "T", "TRUE", "True":
		b.value = true
	case "false", "0", "f", "F", "FALSE", "False":
		b.value = false
	default:
		return fmt.Errorf("invalid boolean %q", s)
	}
	b.set = true
	return nil
}

func (b *optionalBool) IsBoolFlag() bool { return true }

const lintUsage = `usage: routigen lint [-json] [-fix [-diff]] [-c N] [-test=false] [-CHECK[=false]...] [-tags T] [packages]

Lint runs routigen's checks (%s) on the packages (default ".")
and their tests (unless -test=false), through the go command's vet driver: it builds and caches
what go vet does, and reports what ` + "`go vet -vettool=$(go tool -n routigen)`" + ` reports,
each diagnostic as "file:line:col: check: message" with paths relative to
the current directory. ` + "`routigen explain CHECK`" + ` documents a check; a finding
that does not apply is kept with //routigen:ignore CHECK REASON.

Flags:
`

const lintExit = `
Exit status: 0 no diagnostics (and always with -json, unless it failed);
1 the packages could not be loaded or checked; 2 usage; 3 diagnostics
reported (with -fix: some could not be fixed; with -fix -diff: some found).
`

// parseLint parses the arguments of `routigen lint`.
func parseLint(args []string, stdout, stderr io.Writer) (*lintOptions, error) {
	o := &lintOptions{checks: map[string]*optionalBool{}}
	fs := flag.NewFlagSet("routigen lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.json, "json", false, "print the diagnostics as JSON (the checker's format) on standard output")
	fs.BoolVar(&o.fix, "fix", false, "apply the suggested fixes and report the diagnostics that have none")
	fs.BoolVar(&o.diff, "diff", false, "with -fix, print the fixes as a unified diff instead of applying them")
	fs.IntVar(&o.context, "c", -1, "show the offending line with this many lines of context")
	fs.StringVar(&o.tags, "tags", "", "build tags, as for go build")
	o.test.value = true
	fs.Var(&o.test, "test", "also report what _test.go files hold (default true; -test=false leaves them out, -fix too)")
	var names []string
	for _, a := range analyzer.All() {
		b := new(optionalBool)
		o.checks[a.Name] = b
		summary, _, _ := strings.Cut(a.Doc, "\n")
		fs.Var(b, a.Name, summary+" (naming checks runs only those; -"+a.Name+"=false skips it)")
		names = append(names, a.Name)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), lintUsage, strings.Join(names, ", "))
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), lintExit)
	}
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout) // asked for: not an error
		}
		if a == "--" || !strings.HasPrefix(a, "-") {
			break
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if o.diff && !o.fix {
		fmt.Fprintln(stderr, "routigen lint: -diff needs -fix")
		fs.Usage()
		return nil, errUsage
	}
	if o.json && o.fix {
		fmt.Fprintln(stderr, "routigen lint: -json and -fix do not go together")
		fs.Usage()
		return nil, errUsage
	}
	o.packages = fs.Args()
	if len(o.packages) == 0 {
		o.packages = []string{"."}
	}
	return o, nil
}

var errUsage = errors.New("usage")

// lint is `routigen lint`: it parses args and runs the checks through go
// vet (see vet.go), returning the exit status.
func lint(args []string, stdout, stderr io.Writer) int {
	o, err := parseLint(args, stdout, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case err != nil:
		return exitUsage
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "routigen lint: cannot find its own executable for go vet: %v\n", err)
		return exitFail
	}
	return runVet(o, self, stdout, stderr)
}

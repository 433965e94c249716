package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// runVet runs the checks the way `go vet -vettool=self` does, so that
// `routigen lint` costs what go vet costs: the go command builds each
// package once, runs one small process per package and replays cached
// results (SPEC §5). It always asks go vet for JSON, to print positions
// relative to the current directory, to know which diagnostics carry a fix,
// and to exit with the checker's codes; with -fix it then runs go vet -fix
// (-diff) and reports what had no fix.
func runVet(o *lintOptions, self string, stdout, stderr io.Writer) int {
	diags, failed, code := vetJSON(o, self, stderr)
	if code != exitOK {
		return code
	}
	switch {
	case o.json:
		// As the checker: diagnostics in JSON are data, not a failure.
		writeJSON(stdout, diags)
		if failed {
			return exitFail
		}
		return exitOK
	case o.fix:
		return vetFix(o, self, diags, stdout, stderr)
	default:
		printDiagnostics(stderr, diags, o.context)
	}
	if failed {
		return exitFail
	}
	if len(diags) > 0 {
		return exitFindings
	}
	return exitOK
}

// exitFindings is the checker's exit status when it reported diagnostics.
const exitFindings = 3

// vetArgs returns go vet's arguments for o, with extra flags.
func vetArgs(o *lintOptions, self string, extra ...string) []string {
	args := []string{"vet", "-vettool=" + self}
	if o.tags != "" {
		args = append(args, "-tags="+o.tags)
	}
	args = append(args, extra...)
	if o.test.set {
		args = append(args, "-test="+strconv.FormatBool(o.test.value))
	}
	names := make([]string, 0, len(o.checks))
	for name := range o.checks {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if b := o.checks[name]; b.set {
			args = append(args, "-"+name+"="+strconv.FormatBool(b.value))
		}
	}
	return append(append(args, "--"), o.packages...)
}

// goCommand is the go command on PATH (under `go tool routigen`, the go
// command that runs it, through GOROOT).
func goCommand(args []string) *exec.Cmd {
	gobin := "go"
	if r := os.Getenv("GOROOT"); r != "" {
		if p := filepath.Join(r, "bin", "go"); fileExists(p) {
			gobin = p
		}
	}
	return exec.Command(gobin, args...)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// diagnostic is one diagnostic of go vet -json, with its package and check.
type diagnostic struct {
	pkg, check string
	jsonDiagnostic
}

// jsonDiagnostic is the checker's JSON form of a diagnostic
// (analysisflags.JSONDiagnostic).
type jsonDiagnostic struct {
	Category       string            `json:"category,omitempty"`
	Posn           string            `json:"posn"`
	End            string            `json:"end,omitempty"`
	Message        string            `json:"message"`
	SuggestedFixes []json.RawMessage `json:"suggested_fixes,omitempty"`
	Related        []json.RawMessage `json:"related,omitempty"`
}

// vetJSON runs go vet -json and returns its diagnostics, whether go vet or a
// check failed on some package (what it said is copied to stderr), and a
// non-zero exit status when go vet could not be run.
func vetJSON(o *lintOptions, self string, stderr io.Writer) (diags []diagnostic, failed bool, code int) {
	roots := startRoots(o)
	cmd := goCommand(vetArgs(o, self, "-json"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	runErr := cmd.Run()
	if _, ok := runErr.(*exec.ExitError); runErr != nil && !ok {
		fmt.Fprintf(stderr, "routigen lint: go vet: %v\n", runErr)
		return nil, false, exitFail
	}
	// go vet -json prints one JSON tree per package, {pkg: {check: [...]}}
	// or {pkg: {check: {"error": ...}}}, between lines of its own.
	var other bytes.Buffer
	data := append(out.Bytes(), errOut.Bytes()...)
	for len(data) > 0 {
		trimmed := bytes.TrimLeft(data, " \t\r\n")
		if len(trimmed) > 0 && trimmed[0] == '{' {
			dec := json.NewDecoder(bytes.NewReader(trimmed))
			var tree map[string]map[string]json.RawMessage
			if err := dec.Decode(&tree); err == nil {
				d, f := fromTree(tree, stderr)
				diags, failed = append(diags, d...), failed || f
				data = trimmed[dec.InputOffset():]
				continue
			}
		}
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		if len(bytes.TrimSpace(line)) > 0 {
			other.Write(line)
			other.WriteByte('\n')
		}
		data = rest
	}
	// Build errors and the like: go vet's own words, and a failure.
	stderr.Write(other.Bytes())
	if keep, ok := roots(); ok {
		diags = slices.DeleteFunc(diags, func(d diagnostic) bool {
			file, _, _ := splitPosn(d.Posn)
			return !keep(d.pkg, file)
		})
	}
	sortDiagnostics(diags)
	return diags, failed || runErr != nil, exitOK
}

func fromTree(tree map[string]map[string]json.RawMessage, stderr io.Writer) (diags []diagnostic, failed bool) {
	for pkg, checks := range tree {
		for check, raw := range checks {
			var list []jsonDiagnostic
			if err := json.Unmarshal(raw, &list); err == nil {
				for _, d := range list {
					diags = append(diags, diagnostic{pkg, check, d})
				}
				continue
			}
			var e struct {
				Error string `json:"error"`
			}
			if err := json.Unmarshal(raw, &e); err == nil && e.Error != "" {
				fmt.Fprintf(stderr, "%s: %s: %s\n", pkg, check, e.Error)
				failed = true
			}
		}
	}
	return diags, failed
}

// sortDiagnostics orders diagnostics by file, line, column and check: go vet
// prints packages as they finish, and lint's output is deterministic.
func sortDiagnostics(diags []diagnostic) {
	slices.SortStableFunc(diags, func(a, b diagnostic) int {
		fa, la, ca := splitPosn(a.Posn)
		fb, lb, cb := splitPosn(b.Posn)
		return cmp.Or(cmp.Compare(fa, fb), cmp.Compare(la, lb), cmp.Compare(ca, cb),
			cmp.Compare(a.check, b.check), cmp.Compare(a.Message, b.Message))
	})
}

// splitPosn splits "file:line:col".
func splitPosn(posn string) (file string, line, col int) {
	file = posn
	if i := strings.LastIndexByte(file, ':'); i >= 0 {
		if n, err := strconv.Atoi(file[i+1:]); err == nil {
			file, col = file[:i], n
		}
	}
	if i := strings.LastIndexByte(file, ':'); i >= 0 {
		if n, err := strconv.Atoi(file[i+1:]); err == nil {
			file, line = file[:i], n
		}
	}
	return file, line, col
}

// relPosn makes a position's file relative to the current directory, as go
// vet prints it, when it lies below it.
func relPosn(posn string) string {
	file, line, col := splitPosn(posn)
	cwd, err := os.Getwd()
	if err != nil || !filepath.IsAbs(file) {
		return posn
	}
	if r, err := filepath.Rel(cwd, file); err == nil && !strings.HasPrefix(r, "..") {
		file = r
	}
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

// printDiagnostics prints "file:line:col: check: message" lines, with
// context lines when asked.
func printDiagnostics(w io.Writer, diags []diagnostic, context int) {
	for _, d := range diags {
		fmt.Fprintf(w, "%s: %s\n", relPosn(d.Posn), d.Message)
		if context >= 0 {
			printContext(w, d.Posn, context)
		}
	}
}

func printContext(w io.Writer, posn string, n int) {
	file, line, _ := splitPosn(posn)
	src, err := os.ReadFile(file)
	if err != nil {
		return
	}
	lines := strings.Split(string(src), "\n")
	for i := max(line-n, 1); i <= min(line+n, len(lines)); i++ {
		fmt.Fprintf(w, "%d\t%s\n", i, lines[i-1])
	}
}

// writeJSON prints the diagnostics as one checker JSON tree.
func writeJSON(w io.Writer, diags []diagnostic) {
	tree := map[string]map[string][]jsonDiagnostic{}
	for _, d := range diags {
		if tree[d.pkg] == nil {
			tree[d.pkg] = map[string][]jsonDiagnostic{}
		}
		tree[d.pkg][d.check] = append(tree[d.pkg][d.check], d.jsonDiagnostic)
	}
	b, err := json.MarshalIndent(tree, "", "\t")
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	w.Write(append(b, '\n'))
}

// vetFix runs go vet -fix (-diff) and reports the diagnostics it could not
// fix: those that carry no suggested fix.
func vetFix(o *lintOptions, self string, diags []diagnostic, stdout, stderr io.Writer) int {
	var unfixed []diagnostic
	for _, d := range diags {
		if len(d.SuggestedFixes) == 0 {
			unfixed = append(unfixed, d)
		}
	}
	fixable := len(diags) - len(unfixed)
	if fixable > 0 {
		extra := []string{"-fix"}
		if o.diff {
			extra = append(extra, "-diff")
		}
		cmd := goCommand(vetArgs(o, self, extra...))
		var errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = stdout, &errOut
		err := cmd.Run()
		if _, ok := err.(*exec.ExitError); err != nil && (!ok || !o.diff) {
			// -diff exits non-zero when it printed a diff; anything else failed.
			stderr.Write(errOut.Bytes())
			fmt.Fprintf(stderr, "routigen lint: go vet -fix: %v\n", err)
			return exitFail
		}
		stderr.Write(errOut.Bytes())
	}
	if len(unfixed) > 0 {
		verb := "fixed"
		if o.diff {
			verb = "in the diff"
		}
		fmt.Fprintln(stderr, unfixedSummary(fixable, len(diags), len(unfixed), verb))
		printDiagnostics(stderr, unfixed, o.context)
		return exitFindings
	}
	if o.diff && fixable > 0 {
		return exitFindings
	}
	return exitOK
}

// unfixedSummary is the line -fix prints before the diagnostics it could not
// fix, in singular or plural as their number asks.
func unfixedSummary(fixable, total, unfixed int, verb string) string {
	rest := fmt.Sprintf("these %d have no suggested fix and need", unfixed)
	if unfixed == 1 {
		rest = "this one has no suggested fix and needs"
	}
	return fmt.Sprintf("routigen lint: %d of %d diagnostics %s; %s a change by hand:", fixable, total, verb, rest)
}

// Package suppress is the one way routigen's checks report diagnostics. It
// implements the parts of SPEC §4 that every check shares:
//
//   - Generated files (the standard "Code generated ... DO NOT EDIT." header,
//     see ast.IsGenerated) are never reported. cgo's own header does not
//     count (see Generated): go vet hands the checks cgo's translation of
//     a user's file that imports "C", and that file is the user's.
//   - A //routigen:ignore CHECK[,CHECK] REASON directive suppresses the named
//     checks on the line it ends (a trailing comment), or on the next line
//     when it stands alone on its line.
//   - An ignore that names a check but suppresses nothing for it is itself
//     reported, by that check.
//   - A malformed ignore (no reason, no or empty check names) and an ignore
//     that names an unknown check are reported by one check, the
//     directive's owner (see # Who reports a bad directive). A malformed
//     ignore suppresses nothing.
//   - Every other bad directive — a misplaced or malformed //routigen:state,
//     an unknown //routigen:NAME, a comment that only looks like a directive
//     ("// routigen:state", "//routgen:ignore") — is reported by its owner
//     too, through internal/directive as gen reports it.
//
// # Who reports a bad directive
//
// A bad directive is no check's finding in particular, yet SPEC §3 wants
// it reported by the checks, with one check's name in front, whichever
// checks run: `routigen lint -jobdata=false` and a golangci-lint
// configuration that disables a check must not go silent about it. Every
// check can therefore report every bad directive, and which one does is
// decided from the checks that run in this process:
//
//   - A driver that knows which checks run says so with SetEnabled before
//     the analysis starts: routigen as go vet's tool (and so `routigen
//     lint`, which runs go vet) reads the -CHECK flags go vet hands it, as
//     the checker does; the golangci-lint plugin passes the checks its
//     settings leave enabled. Then exactly one check reports each bad
//     directive: for an ignore, the first check in Checks order that it
//     names and that runs; otherwise (and for every other bad directive)
//     the first check in Checks order that runs. One line per directive,
//     in every driver we ship, with any set of checks enabled.
//   - Without SetEnabled (analysistest, a driver of someone else's), a
//     check cannot know what else runs, so each check reports as if it
//     ran alone: a bad directive is never lost, and a driver running
//     several checks prints it once per check, each line naming one.
//
// The alternative, every check reporting and the driver de-duplicating,
// works only in drivers we own: go vet prints each analyzer's copy.
//
// Usage, in a check's run function:
//
//	r := suppress.New(pass)
//	r.Reportf(call.Pos(), "...")
//	...
//	r.Finish()
//
// Finish must be called once, after the last Report.
//
// The directive is parsed by internal/directive.ParseIgnore, the parser the
// generator and `routigen explain` use.
package suppress

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/token"
	"os"
	"slices"
	"strings"
	"sync/atomic"

	"golang.org/x/tools/go/analysis"

	"github.com/routigen/routigen/internal/directive"
)

// Checks lists the name of every routigen check, in the order of
// analyzer.All. A //routigen:ignore may only name these.
var Checks = []string{"jobdata", "nilfallback", "workerkey", "lostupdate"}

// Known reports whether name is a routigen check.
func Known(name string) bool { return slices.Contains(Checks, name) }

// enabled holds the checks that run in this process, in Checks order, once
// a driver has said which (SetEnabled); nil until then.
var enabled atomic.Pointer[[]string]

// SetEnabled records which checks run in this process, for the ownership
// of bad directives (see the package doc). Names that are not checks are
// ignored. Drivers call it before the analysis starts; nil forgets it.
func SetEnabled(names []string) {
	if names == nil {
		enabled.Store(nil)
		return
	}
	run := []string{}
	for _, c := range Checks {
		if slices.Contains(names, c) {
			run = append(run, c)
		}
	}
	enabled.Store(&run)
}

// running returns the checks that run with this one, in Checks order: the
// driver's word, or this check alone when no driver said.
func (r *Reporter) running() []string {
	if p := enabled.Load(); p != nil {
		return *p
	}
	return []string{r.name}
}

// owns reports whether this check reports a bad directive that names the
// checks names (none for a directive other than an ignore): the first
// check in Checks order that it names and that runs, or else the first
// check that runs.
func (r *Reporter) owns(names []string) bool {
	run := r.running()
	for _, c := range Checks {
		if slices.Contains(names, c) && slices.Contains(run, c) {
			return c == r.name
		}
	}
	return len(run) > 0 && run[0] == r.name
}

// Reporter reports one check's diagnostics through the suppression rules.
type Reporter struct {
	pass      *analysis.Pass
	name      string
	generated map[*token.File]bool
	cgo       map[*token.File]bool  // cgo's translations of the user's files
	ignores   map[lineKey][]*ignore // by the line they apply to
	all       []*ignore             // in source order
	bad       []*directive.Error    // bad directives other than ignore, when this check owns them
	finished  bool
}

type lineKey struct {
	file *token.File
	line int
}

type ignore struct {
	comment *ast.Comment
	checks  []string // as parsed; nil when malformed
	err     error    // non-nil when malformed
	mine    bool     // names this check
	used    bool     // suppressed a diagnostic of this check
}

// New returns a Reporter for pass, reporting under pass.Analyzer.Name.
func New(pass *analysis.Pass) *Reporter {
	r := &Reporter{
		pass:      pass,
		name:      pass.Analyzer.Name,
		generated: map[*token.File]bool{},
		cgo:       map[*token.File]bool{},
		ignores:   map[lineKey][]*ignore{},
	}
	for _, f := range pass.Files {
		tf := pass.Fset.File(f.FileStart)
		if tf == nil {
			continue
		}
		if Generated(f) {
			r.generated[tf] = true
			continue
		}
		if len(f.Comments) > 0 && f.Comments[0].List[0].Text == cgoHeader {
			r.cgo[tf] = true
		}
		if r.owns(nil) {
			r.bad = append(r.bad, badDirectives(f, tf.Name())...)
		}
		var src []byte // read lazily, to tell a trailing ignore from a lone one
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if !directive.Is(c.Text) || directive.Name(c.Text) != directive.NameIgnore {
					continue
				}
				if src == nil {
					src = r.readFile(tf.Name())
				}
				ig := &ignore{comment: c}
				parsed, err := directive.ParseIgnore(c.Pos(), c.End(), c.Text)
				if err != nil {
					ig.err = err
				} else {
					ig.checks = parsed.Checks
					ig.mine = slices.Contains(parsed.Checks, r.name)
				}
				r.all = append(r.all, ig)
				if ig.err != nil {
					continue
				}
				line := tf.Line(c.Pos())
				if alone(src, tf, c.Pos()) {
					line++
				}
				k := lineKey{tf, line}
				r.ignores[k] = append(r.ignores[k], ig)
			}
		}
	}
	return r
}

// cgoHeader is the header cgo writes on its translation of a Go file that
// imports "C" (x.cgo1.go), which the go command gives go vet in place of
// the file; a //line directive follows it, pointing back at the file.
const cgoHeader = "// Code generated by cmd/cgo; DO NOT EDIT."

// Generated reports whether f is a generated file, as ast.IsGenerated, but
// for cgo's header: a file that imports "C" reaches the checks (in go vet
// and go/packages alike) as cgo's translation, under cgo's header, and is
// the user's own code. The translation keeps the file's own comments, so
// a generated file that imports "C" still carries its generator's header.
func Generated(f *ast.File) bool {
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if c.Pos() > f.Package {
				return false
			}
			if c.Text == cgoHeader {
				continue
			}
			for line := range strings.SplitSeq(c.Text, "\n") {
				if rest, ok := strings.CutPrefix(line, "// Code generated "); ok && strings.HasSuffix(rest, " DO NOT EDIT.") {
					return true
				}
			}
		}
	}
	return false
}

func (r *Reporter) readFile(name string) []byte {
	read := r.pass.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	b, err := read(name)
	if err != nil {
		return []byte{} // cannot tell: every ignore counts as trailing
	}
	return b
}

// alone reports whether only white space precedes pos on its line. It
// looks at the text itself: tf.Line honours //line directives (cgo's
// translation of a file has them), and its lines are not the file's.
func alone(src []byte, tf *token.File, pos token.Pos) bool {
	off := tf.Offset(pos)
	if off > len(src) {
		return false
	}
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return len(bytes.TrimSpace(src[start:off])) == 0
}

// Report reports d unless it is in a generated file or suppressed, and
// without its suggested fixes in cgo's translation of a file. The
// message gets the check's name in front ("jobdata: ..."): go vet and the
// checker print messages as they are, and the name is what a
// //routigen:ignore must spell. (The golangci-lint plugin, whose driver
// puts the name in front itself, takes it off again.)
func (r *Reporter) Report(d analysis.Diagnostic) {
	if r.Suppressed(d.Pos) {
		return
	}
	r.report(d)
}

func (r *Reporter) report(d analysis.Diagnostic) {
	d.Message = r.name + ": " + d.Message
	if tf := r.pass.Fset.File(d.Pos); tf != nil && r.cgo[tf] {
		// A fix's offsets would be those of cgo's translation, which no
		// driver edits (its header says generated): without one, -fix
		// reports the diagnostic as needing a change by hand.
		d.SuggestedFixes = nil
	}
	r.pass.Report(d)
}

// Reportf is Report of a diagnostic at pos with a formatted message.
func (r *Reporter) Reportf(pos token.Pos, format string, args ...any) {
	r.Report(analysis.Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// Suppressed reports whether a diagnostic of this check at pos is dropped:
// it is in a generated file or a //routigen:ignore for this check applies to
// its line. It marks the ignore used.
func (r *Reporter) Suppressed(pos token.Pos) bool {
	tf := r.pass.Fset.File(pos)
	if tf == nil {
		return false
	}
	if r.generated[tf] {
		return true
	}
	hit := false
	for _, ig := range r.ignores[lineKey{tf, tf.Line(pos)}] {
		if ig.mine {
			ig.used = true
			hit = true
		}
	}
	return hit
}

// Finish reports the ignores that name this check but suppressed nothing,
// and the malformed ignores this check is responsible for (see the package
// doc). Call it once, after the last Report.
func (r *Reporter) Finish() {
	if r.finished {
		panic("suppress: Finish called twice")
	}
	r.finished = true
	// The messages name no check: the reporting check's name goes in
	// front, and a name must appear once (SPEC §3).
	for _, e := range r.bad {
		r.report(analysis.Diagnostic{Pos: e.Pos, Message: "bad directive: " + e.Msg})
	}
	for _, ig := range r.all {
		if ig.err != nil {
			if r.owns(namesOf(ig.comment.Text)) {
				msg := strings.TrimPrefix(ig.err.Error(), "routigen: ")
				if rest, ok := strings.CutPrefix(msg, directive.Prefix+directive.NameIgnore); ok {
					// "//routigen:ignore a,b: missing reason": the text is on the line.
					if _, after, ok := strings.Cut(rest, ": "); ok {
						msg = after
					}
				}
				r.report(analysis.Diagnostic{Pos: ig.comment.Pos(), End: ig.comment.End(),
					Message: fmt.Sprintf("malformed ignore directive: %s", msg)})
			}
			continue
		}
		var unknown []string
		for _, c := range ig.checks {
			if !Known(c) {
				unknown = append(unknown, fmt.Sprintf("%q", c))
			}
		}
		if len(unknown) > 0 && r.owns(ig.checks) {
			r.report(analysis.Diagnostic{Pos: ig.comment.Pos(), End: ig.comment.End(),
				Message: fmt.Sprintf("//routigen:ignore names unknown check %s (routigen explain lists the checks)",
					strings.Join(unknown, ", "))})
		}
		if ig.mine && !ig.used {
			r.report(analysis.Diagnostic{Pos: ig.comment.Pos(), End: ig.comment.End(),
				Message: "unused //routigen:ignore: this check reports nothing on the line; take its name out of the directive"})
		}
	}
}

// namesOf returns the check names a possibly malformed ignore names: the
// comma-separated first word after the directive name. It only decides which
// check reports the malformed directive; directive.ParseIgnore decides what
// is malformed.
func namesOf(text string) []string {
	body := strings.TrimPrefix(text, directive.Prefix+directive.NameIgnore)
	f := strings.Fields(body)
	if len(f) == 0 {
		return nil
	}
	var out []string
	for c := range strings.SplitSeq(f[0], ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// buildConstraint returns the build constraint of f as gen names it: its
// //go:build (or // +build) line, or import "C" (cgo) for cgo's
// translation of a file; "" when it has none the checks can see. (A file
// name's GOOS or GOARCH suffix is gen's to report.)
func buildConstraint(f *ast.File) string {
	for _, cg := range f.Comments {
		if cg.Pos() >= f.Package {
			break
		}
		for _, c := range cg.List {
			if constraint.IsGoBuild(c.Text) || constraint.IsPlusBuild(c.Text) {
				return c.Text
			}
		}
	}
	if len(f.Comments) > 0 && f.Comments[0].List[0].Text == cgoHeader {
		return `import "C" (cgo)`
	}
	return ""
}

// badDirectives returns the bad //routigen: directives of f other than
// ignore (which Finish judges): misplaced or malformed //routigen:state,
// unknown directive names — as the generator reports them, through the
// same parser — and comments that look like a directive but are not read
// as one ("// routigen:state"; see directive.Near), and a //routigen:state
// in a _test.go file (name is the file's) or one with a build constraint,
// which gen refuses.
func badDirectives(f *ast.File, name string) []*directive.Error {
	parsed := directive.ParseFile(f)
	errs := parsed.Errors
	// gen refuses these too: say it where go vet and routigen lint look.
	test, constrained := strings.HasSuffix(name, "_test.go"), buildConstraint(f)
	for _, sd := range parsed.States {
		n := sd.Spec.Name.Name
		switch {
		case test:
			errs = append(errs, &directive.Error{Pos: sd.State.Pos, Msg: fmt.Sprintf(
				"state type %s is declared in a _test.go file, which routigen does not support (its accessors would have to live in test code); move %s to a file that is not a test", n, n)})
		case constrained != "":
			errs = append(errs, &directive.Error{Pos: sd.State.Pos, Msg: fmt.Sprintf(
				"state type %s is declared in a file with a build constraint (%s), but routigen_gen.go serves every build of the package and would not compile where that file is left out; move %s to a file without a build constraint", n, constrained, n)})
		}
	}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if e := directive.Near(c); e != nil {
				errs = append(errs, e)
			}
		}
	}
	return errs
}

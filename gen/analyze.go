package gen

import (
	"cmp"
	"errors"
	"fmt"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// pkgWork is one package on its way through the pipeline: analyze fills
// it, checkStorage looks across packages, render turns it into Content.
type pkgWork struct {
	lp    *packages.Package
	out   *Package
	types []*stateType
	// ours: the existing generated file bears our header.
	ours bool
	// fileErr says why the generated file cannot be written (a
	// directory, a dangling symlink, ...); reported when there is
	// something to write.
	fileErr string
	// typeErrs are the type errors of the package, attributed to the
	// state types after collection.
	typeErrs []packages.Error
	// spans are the source ranges of the annotated declarations, by file.
	spans []span
	// invalid: a field of a state type does not type-check.
	invalid bool
	plan    *copyPlan
	shape   *manifest // the stored shape, numbered against the manifest
	// constraints caches the build constraints of other packages' files
	// (see fileConstraintOf).
	constraints map[string]string
	goroot      func() string // see process
	// arraysReported: the array lengths reported (see variantArrays).
	arraysReported map[token.Position]bool
}

type span struct {
	file     string
	from, to int // offsets
}

// errorf records an error of the package (the error collector: every
// phase reports and goes on, so one run shows every problem).
func (w *pkgWork) errorf(pos token.Position, format string, args ...any) {
	w.out.Errors = append(w.out.Errors, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// process validates and renders the loaded packages. goroot returns the
// go command's GOROOT (export data names standard library files under
// $GOROOT), "" when unknown.
func process(lps []*packages.Package, cfg Config, cache *renderCache, goroot func() string) *Result {
	slices.SortFunc(lps, func(a, b *packages.Package) int { return cmp.Compare(a.PkgPath, b.PkgPath) })
	res := &Result{}
	var works []*pkgWork
	for _, lp := range lps {
		w := analyze(lp, goroot)
		for _, t := range w.types {
			w.out.Types = append(w.out.Types, t.name)
		}
		slices.Sort(w.out.Types)
		works = append(works, w)
		res.Packages = append(res.Packages, w.out)
	}
	checkStorage(works)
	for _, w := range works {
		manifestStep(w, cfg.AllowBreaking)
	}
	for _, w := range works {
		// Rendering needs types only: let the collector have the syntax
		// trees, so that they do not weigh on the collections rendering
		// triggers.
		w.lp.Syntax = nil
	}
	keys := cachedRenders(works, cache)
	renderAll(works)
	if cache != nil {
		for i, w := range works {
			if keys[i] != "" && w.out.Content != nil {
				cache.put(keys[i], w.out.Content)
			}
		}
		cache.trim()
	}
	for _, w := range works {
		w.foreignModule()
		w.out.Errors = sortErrors(w.out.Errors)
	}
	return res
}

// foreignModule reports a package of another module than the main ones
// (a pattern such as all matches the module cache and replace
// directories) whose files the run would write or remove: routigen
// writes into the main module only, the other module's files are its own
// repository's to generate.
func (w *pkgWork) foreignModule() {
	m := w.lp.Module
	if m == nil || m.Main || len(w.out.Errors) > 0 || (w.out.Action() == Keep && w.out.ManifestAction() == Keep) {
		return
	}
	w.errorf(token.Position{Filename: w.out.File}, "package %s belongs to module %s, not to the main module, and routigen writes only the main module's files; generate it in its own module, or give the main module's packages (./...) instead", w.out.Path, m.Path)
}

// cachedRenders takes from the cache the generated file of every package
// whose rendering it knows to yield the file on disk, and returns the cache
// keys of the others (by index of works; "" for none).
func cachedRenders(works []*pkgWork, cache *renderCache) []string {
	keys := make([]string, len(works))
	if cache == nil {
		return keys
	}
	for i, w := range works {
		if len(w.out.Errors) > 0 || len(w.types) == 0 {
			continue
		}
		key := cache.key(w)
		if cache.hit(key, w.out.Existing) {
			w.out.Content = w.out.Existing
			continue
		}
		keys[i] = key
	}
	return keys
}

// analyze runs the phases of one package, each reporting into the
// package's errors and going on: locate the generated file, triage the
// load errors, collect the state types (and annotations the build leaves
// out), attribute type errors to them, then check the generated file, the
// generated names and the stored names.
func analyze(lp *packages.Package, goroot func() string) *pkgWork {
	w := locate(lp)
	w.goroot = goroot
	w.triage()
	if lp.Types == nil || len(lp.Syntax) == 0 {
		// A directory of test files only is listed with no Go file:
		// its annotations are still reported, not skipped in silence.
		w.collectExcluded()
		return w
	}
	w.collect()
	w.collectExcluded()
	w.attributeTypeErrors()
	if len(w.types) == 0 {
		return w
	}
	w.checkFile()
	w.checkNames()
	w.checkExcludedNames()
	checkStoredNames(w)
	checkCodecNames(w)
	return w
}

// locate finds the package's directory and reads its generated file.
func locate(lp *packages.Package) *pkgWork {
	out := &Package{Path: lp.PkgPath, Name: lp.Name, Dir: lp.Dir}
	if out.Dir == "" {
		for _, files := range [][]string{lp.GoFiles, lp.CompiledGoFiles, lp.OtherFiles, lp.IgnoredFiles} {
			if len(files) > 0 {
				out.Dir = filepath.Dir(files[0])
				break
			}
		}
	}
	w := &pkgWork{lp: lp, out: out, plan: newCopyPlan(lp.PkgPath)}
	if out.Dir == "" {
		return w
	}
	out.File = filepath.Join(out.Dir, FileName)
	b, why := readGenerated(out.File)
	w.fileErr = why
	if b != nil {
		out.Existing = b
		w.ours = IsGenerated(b)
	}
	return w
}

// readGenerated reads the generated file through a symlink. It returns
// nil when there is no file, and says why a file of that name cannot be
// written when it is not a regular file or a symlink to one.
func readGenerated(file string) (content []byte, why string) {
	fi, err := os.Lstat(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ""
	}
	if err != nil {
		return nil, err.Error()
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(file)
		if err != nil {
			dest, _ := os.Readlink(file)
			return nil, fmt.Sprintf("%s is a symlink to %s, which cannot be resolved (%v); fix or remove the symlink", FileName, dest, err)
		}
		if fi, err = os.Stat(target); err != nil {
			return nil, err.Error()
		}
	}
	switch {
	case fi.IsDir():
		return nil, fmt.Sprintf("%s is a directory; routigen writes its generated code to a file of that name, so rename or remove the directory", FileName)
	case !fi.Mode().IsRegular():
		return nil, fmt.Sprintf("%s is not a regular file (%s); rename or remove it", FileName, fi.Mode().Type())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err.Error()
	}
	if b == nil {
		b = []byte{}
	}
	return b, ""
}

// triage sorts the load errors: type errors wait for attribution (most
// come from the generated file the loader leaves out); an import that
// failed, an error of the go command or a syntax error is reported.
func (w *pkgWork) triage() {
	lp := w.lp
	for _, e := range lp.Errors {
		switch {
		case e.Kind == packages.TypeError && strings.HasPrefix(e.Msg, "could not import "):
			// The go command could not load a dependency (a go.mod
			// that needs updating, a missing module): not something
			// the generated file explains.
			w.out.Errors = append(w.out.Errors, &Error{Pos: parsePos(e.Pos), Msg: e.Msg + " (fix the package so that it loads, then run routigen again)", importFail: true})
		case e.Kind == packages.TypeError && strings.HasPrefix(e.Msg, "\t") && len(w.typeErrs) > 0:
			// go/types continues an error in a second one ("\tother
			// declaration of S"): one error, so it is one line.
			prev := &w.typeErrs[len(w.typeErrs)-1]
			prev.Msg += " (" + strings.TrimSpace(e.Msg) + " at " + shortPos(parsePos(e.Pos)) + ")"
		case e.Kind == packages.TypeError:
			w.typeErrs = append(w.typeErrs, e)
		case e.Kind == packages.ListError && e.Pos == "" && strings.HasPrefix(e.Msg, "# "):
			// Compiler output of `go list -export` for this very
			// package: the type checker, run from source, reports what
			// matters.
		case onlyOurFile(lp, w.ours):
			// The package is nothing but a stale generated file
			// (excluded by its build constraint): an orphan to remove.
		default:
			w.errorf(parsePos(e.Pos), "%s (fix the package so that it loads, then run routigen again)", e.Msg)
		}
	}
}

// attributeTypeErrors reports the type errors inside annotated
// declarations, or all of them when a state field does not type-check.
func (w *pkgWork) attributeTypeErrors() {
	fset := w.lp.Fset
	for _, e := range w.typeErrs {
		p := parsePos(e.Pos)
		in := w.invalid
		for _, s := range w.spans {
			if s.file != p.Filename {
				continue
			}
			// Positions of type errors carry no offset; compare lines.
			if tf := fileOf(fset, s.file); tf != nil && p.Line >= tf.Line(tf.Pos(s.from)) && p.Line <= tf.Line(tf.Pos(s.to)) {
				in = true
			}
		}
		if in {
			w.errorf(p, "%s (fix the type error, then run routigen again)", e.Msg)
		}
	}
}

// checkFile reports a generated file that cannot be written: not ours, or
// not a regular file.
func (w *pkgWork) checkFile() {
	at := token.Position{Filename: w.out.File, Line: 1, Column: 1}
	if w.fileErr != "" {
		w.errorf(token.Position{Filename: w.out.File}, "%s", w.fileErr)
		return
	}
	if w.out.Existing != nil && !w.ours {
		w.errorf(at, "%s was not written by routigen (its first line is not %q), so routigen will not overwrite it; rename or remove it", FileName, Header)
	}
}

// onlyOurFile reports whether lp's only Go file is our generated file,
// excluded by its build constraint.
func onlyOurFile(lp *packages.Package, ours bool) bool {
	if !ours || len(lp.GoFiles) > 0 || len(lp.CompiledGoFiles) > 0 {
		return false
	}
	for _, f := range lp.IgnoredFiles {
		if filepath.Base(f) != FileName && strings.HasSuffix(f, ".go") {
			return false
		}
	}
	return true
}

func fileOf(fset *token.FileSet, name string) *token.File {
	var out *token.File
	fset.Iterate(func(f *token.File) bool {
		if f.Name() == name {
			out = f
			return false
		}
		return true
	})
	return out
}

func shortPos(p token.Position) string {
	p.Filename = filepath.Base(p.Filename)
	return p.String()
}

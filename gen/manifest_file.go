package gen

import (
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
)

// manifestStep reads w's committed manifest, numbers the shape the source
// declares against it, and reports each breaking change as an error at the
// field or directive, or, when allow, records it in w.out.Accepted. It
// leaves w.out.Manifest nil for a package with errors or without state.
func manifestStep(w *pkgWork, allow bool) {
	if w.out.Dir == "" {
		return
	}
	w.out.ManifestFile = filepath.Join(w.out.Dir, ManifestName)
	if b, err := os.ReadFile(w.out.ManifestFile); err == nil {
		if b == nil {
			b = []byte{}
		}
		w.out.ManifestExisting = b
	} else if !errors.Is(err, os.ErrNotExist) {
		w.errorf(token.Position{Filename: w.out.ManifestFile}, "read the state manifest: %v", err)
		return
	}
	if len(w.out.Errors) > 0 || len(w.types) == 0 && !ours(w.out.ManifestExisting) {
		return
	}
	// A package whose last state type is gone keeps its manifest, every
	// type marked removed, for the reason one removed type keeps its
	// entry: stored values outlive the code, and a type that comes back
	// under the name or key is held to its shape. Only a package with no
	// Go file left (strayManifest) loses it.
	var old *manifest
	if w.out.ManifestExisting != nil {
		m, err := parseManifest(w.out.ManifestExisting)
		if err != nil {
			pos := token.Position{Filename: w.out.ManifestFile}
			var le *lineError
			if errors.As(err, &le) {
				pos.Line, pos.Column, err = le.line, 1, errors.New(le.msg)
			}
			w.errorf(pos, "bad state manifest: %v; restore it from version control (removing it forgets the stored shape it records)", err)
			return
		}
		old = m
	}
	cur := buildManifest(w)
	if len(w.out.Errors) > 0 {
		return
	}
	adoptSpellings(old, cur)
	for _, b := range reconcile(old, cur, allow) {
		if allow {
			w.out.Accepted = append(w.out.Accepted, &Error{Pos: b.pos, Msg: "accepted breaking change: " + b.msg})
		} else {
			w.out.Errors = append(w.out.Errors, &Error{Pos: b.pos, Msg: b.error()})
		}
	}
	w.shape = cur
	w.out.Manifest = cur.format()
}

// ours reports whether b is a manifest routigen wrote.
func ours(b []byte) bool { return bytes.HasPrefix(b, []byte(manifestHeader)) }

// lineError is a problem on one line of a manifest file.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return "line " + strconv.Itoa(e.line) + ": " + e.msg }

// ManifestAction reports what Commit does to this package's manifest:
// write it when it differs from the wanted one, remove it (when it is
// routigen's) beside a generated file whose package has no Go file left.
func (p *Package) ManifestAction() Action {
	if len(p.Errors) > 0 || p.ManifestFile == "" {
		return Keep
	}
	switch {
	case p.Manifest != nil && !sameText(p.Manifest, p.ManifestExisting):
		return Write
	case p.Manifest == nil && p.Content == nil && ours(p.ManifestExisting):
		return Remove
	}
	return Keep
}

// ManifestStaleness says why the manifest is out of date, or "".
func (p *Package) ManifestStaleness() string {
	switch p.ManifestAction() {
	case Remove:
		return "orphaned (no annotated type left)"
	case Write:
		if p.ManifestExisting == nil {
			return "missing"
		}
		return "stale"
	}
	return ""
}

// commitManifest writes or removes the manifest as ManifestAction says.
func (p *Package) commitManifest() (*Change, error) {
	switch a := p.ManifestAction(); a {
	case Write:
		if err := writeAtomic(p.ManifestFile, p.Manifest); err != nil {
			return nil, fmt.Errorf("routigen: write %s: %w", p.ManifestFile, err)
		}
		return &Change{p.ManifestFile, a}, nil
	case Remove:
		if err := os.Remove(p.ManifestFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("routigen: remove %s: %w", p.ManifestFile, err)
		}
		return &Change{p.ManifestFile, a}, nil
	}
	return nil, nil
}

// manifestDiff is the unified diff of the manifest change, or "".
func (p *Package) manifestDiff(base string) string {
	a := p.ManifestAction()
	if a == Keep {
		return ""
	}
	name := relTo(base, p.ManifestFile)
	from, to := "a/"+name, "b/"+name
	if p.ManifestExisting == nil {
		from = "/dev/null"
	}
	if a == Remove {
		to = "/dev/null"
	}
	return UnifiedDiff(from, to, string(p.ManifestExisting), string(p.Manifest))
}

// strayManifest adds the manifest beside a stray generated file, to remove
// with it.
func strayManifest(p *Package) *Package {
	file := filepath.Join(p.Dir, ManifestName)
	if b, err := os.ReadFile(file); err == nil && ours(b) {
		p.ManifestFile, p.ManifestExisting = file, b
	}
	return p
}

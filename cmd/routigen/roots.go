package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
)

// startRoots returns a function that tells whether a diagnostic of a vet
// unit (its ID, the file it is in) belongs to a package the patterns name
// (false when that cannot be told: keep everything). The go command's vet
// cache does not tell a dependency's run (for facts only) from a run on the
// package itself, and replays either for the other, so go vet may print a
// dependency's findings when an earlier run checked it; lint keeps only
// the named packages' (with their tests). Relative patterns ("./...",
// "./x") are matched on directories, as the go command matches them; other
// patterns are listed by go list while go vet runs.
func startRoots(o *lintOptions) func() (func(id, file string) bool, bool) {
	if dirs, ok := patternDirs(o.packages); ok {
		return func() (func(id, file string) bool, bool) {
			return func(_, file string) bool { return dirs.match(filepath.Dir(file)) }, true
		}
	}
	args := []string{"list", "-e", "-find", "-f", "{{.ImportPath}}"}
	if o.tags != "" {
		args = append(args, "-tags="+o.tags)
	}
	cmd := goCommand(append(append(args, "--"), o.packages...))
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		return func() (func(id, file string) bool, bool) { return nil, false }
	}
	return func() (func(id, file string) bool, bool) {
		if err := cmd.Wait(); err != nil {
			return nil, false
		}
		keep := map[string]bool{}
		for _, p := range strings.Fields(out.String()) {
			keep[p] = true
		}
		return func(id, _ string) bool { return keep[rootOf(id)] }, len(keep) > 0
	}
}

// rootOf is the package a vet unit's ID belongs to: "p", "p [p.test]" and
// "p_test [p.test]" all belong to p.
func rootOf(id string) string {
	id, _, _ = strings.Cut(id, " ")
	return strings.TrimSuffix(id, "_test")
}

// dirPatterns are relative package patterns as directories.
type dirPatterns struct {
	exact, tree []string // absolute directories: "./x" and "./x/..."
	modules     map[string]bool
}

// patternDirs turns patterns that are all relative or absolute paths into
// directories; false when some pattern is an import path.
func patternDirs(patterns []string) (*dirPatterns, bool) {
	d := &dirPatterns{modules: map[string]bool{}}
	for _, p := range patterns {
		if !(p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || filepath.IsAbs(p)) {
			return nil, false
		}
		base, tree := p, false
		if b, ok := strings.CutSuffix(p, "/..."); ok {
			base, tree = b, true
		} else if strings.Contains(p, "...") {
			return nil, false // a wildcard inside a path: leave it to go list
		}
		abs, err := filepath.Abs(base)
		if err != nil {
			return nil, false
		}
		if tree {
			d.tree = append(d.tree, abs)
		} else {
			d.exact = append(d.exact, abs)
		}
	}
	return d, true
}

// match reports whether a package in dir is named by the patterns: the
// directory itself, or below a "/..." pattern's directory, as the go
// command walks it (not into testdata, ".x" or "_x" directories, nor into
// another module).
func (d *dirPatterns) match(dir string) bool {
	if slices.Contains(d.exact, dir) {
		return true
	}
	for _, base := range d.tree {
		rel, err := filepath.Rel(base, dir)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		if rel == "." {
			return true
		}
		ok, sub := true, base
		for _, elem := range strings.Split(rel, string(filepath.Separator)) {
			sub = filepath.Join(sub, elem)
			if elem == "testdata" || strings.HasPrefix(elem, ".") || strings.HasPrefix(elem, "_") || d.module(sub) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// module reports whether dir holds a go.mod (the root of another module).
func (d *dirPatterns) module(dir string) bool {
	m, ok := d.modules[dir]
	if !ok {
		m = fileExists(filepath.Join(dir, "go.mod"))
		d.modules[dir] = m
	}
	return m
}

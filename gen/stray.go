package gen

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// strayFiles finds generated files that no loaded package owns below the
// directories of "dir/..." patterns: a package reduced to its
// routigen_gen.go has no Go file left for the loader (the build constraint
// excludes it), so ./... does not list it. Such files are orphans.
func strayFiles(dir string, patterns []string, loaded []*Package) []*Package {
	owned := map[string]bool{}
	for _, p := range loaded {
		if p.File != "" {
			owned[p.File] = true
		}
	}
	var out []*Package
	seen := map[string]bool{}
	walkPatterns(dir, patterns, func(path string) {
		if filepath.Base(path) != FileName || owned[path] || seen[path] {
			return
		}
		b, err := os.ReadFile(path)
		if err != nil || !IsGenerated(b) || hasGoFiles(filepath.Dir(path)) {
			return
		}
		seen[path] = true
		out = append(out, strayManifest(&Package{Dir: filepath.Dir(path), File: path, Existing: b}))
	})
	slices.SortFunc(out, func(a, b *Package) int { return strings.Compare(a.File, b.File) })
	return out
}

// unlisted reports the annotations (and comments near one) of the Go
// files below the directories of "dir/..." patterns that no loaded
// package owns: ./... does not list a directory whose files the build
// excludes (//go:build ignore, another GOOS), and they must not be skipped
// in silence. One Package without path per directory, with its errors.
func unlisted(dir string, patterns []string, loaded []*Package) []*Package {
	var dirs []os.FileInfo
	for _, p := range loaded {
		if fi, err := os.Stat(p.Dir); p.Dir != "" && err == nil {
			dirs = append(dirs, fi)
		}
	}
	listed := map[string]bool{}
	isListed := func(d string) bool {
		v, ok := listed[d]
		if !ok {
			// The same directory, however spelled (a symlink in
			// the path given, the go command's resolved one).
			fi, err := os.Stat(d)
			v = err != nil || slices.ContainsFunc(dirs, func(l os.FileInfo) bool { return os.SameFile(l, fi) })
			listed[d] = v
		}
		return v
	}
	byDir := map[string]*pkgWork{}
	walkPatterns(dir, patterns, func(path string) {
		d := filepath.Dir(path)
		if !strings.HasSuffix(path, ".go") || filepath.Base(path) == FileName || isListed(d) {
			return
		}
		w := byDir[d]
		if w == nil {
			w = &pkgWork{out: &Package{Dir: d}}
			byDir[d] = w
		}
		w.scanExcluded(path)
	})
	var out []*Package
	for _, w := range byDir {
		if len(w.out.Errors) > 0 {
			w.out.Errors = sortErrors(w.out.Errors)
			out = append(out, w.out)
		}
	}
	slices.SortFunc(out, func(a, b *Package) int { return strings.Compare(a.Dir, b.Dir) })
	return out
}

// walkPatterns calls visit with every file below the directories of the
// "dir/..." patterns (relative to dir, or absolute), skipping what the go
// command skips: testdata, vendor, directories starting with . or _, and
// other modules.
func walkPatterns(dir string, patterns []string, visit func(path string)) {
	for _, pat := range patterns {
		base, ok := strings.CutSuffix(pat, "...")
		if !ok || !(filepath.IsAbs(base) || base == "" || strings.HasPrefix(base, ".")) {
			continue
		}
		base = filepath.Clean(filepath.Join(dir, base))
		if filepath.IsAbs(pat) {
			base = filepath.Clean(strings.TrimSuffix(pat, "..."))
		}
		if abs, err := filepath.Abs(base); err == nil {
			base = abs
		}
		if real, err := filepath.EvalSymlinks(base); err == nil {
			base = real // WalkDir does not follow a symlink, even at the root
		}
		filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				name := d.Name()
				if path != base && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
					return filepath.SkipDir
				}
				if path != base {
					if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
						return filepath.SkipDir // another module
					}
				}
				return nil
			}
			visit(path)
			return nil
		})
	}
}

// hasGoFiles reports whether dir holds Go files other than FileName (then
// the loader saw the package, or reported why not).
func hasGoFiles(dir string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".go") && n != FileName {
			return true
		}
	}
	return false
}

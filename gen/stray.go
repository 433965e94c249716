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
			if d.Name() != FileName || owned[path] || seen[path] {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil || !IsGenerated(b) || hasGoFiles(filepath.Dir(path)) {
				return nil
			}
			seen[path] = true
			out = append(out, strayManifest(&Package{Dir: filepath.Dir(path), File: path, Existing: b}))
			return nil
		})
	}
	slices.SortFunc(out, func(a, b *Package) int { return strings.Compare(a.File, b.File) })
	return out
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

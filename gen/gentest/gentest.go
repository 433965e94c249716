// Package gentest builds throwaway Go modules that depend on this
// repository (through a replace directive), for tests that run the
// generator, the go command or generated code against the real runtime.
package gentest

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// RepoRoot returns the root of the routigen repository.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		tb.Fatal("gentest: no caller information")
	}
	// gen/gentest/gentest.go
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// GoMod returns a go.mod for module path that requires this repository
// (replaced by the working tree) and every module the repository requires,
// so the go command needs no network and no go.mod update.
func GoMod(tb testing.TB, path string) []byte {
	tb.Helper()
	root := RepoRoot(tb)
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	for line := range strings.SplitSeq(string(b), "\n") {
		if strings.HasPrefix(line, "module ") {
			line = "module " + path
		}
		out.WriteString(line + "\n")
	}
	out.WriteString("\nrequire github.com/routigen/routigen v0.0.0\n\nreplace github.com/routigen/routigen => " + filepath.ToSlash(root) + "\n")
	return out.Bytes()
}

// NewModule writes a module with path modPath into a new temporary
// directory: go.mod, go.sum and files (slash-separated relative names).
// It returns the directory.
func NewModule(tb testing.TB, modPath string, files map[string][]byte) string {
	tb.Helper()
	dir := tb.TempDir()
	WriteModule(tb, dir, modPath, files)
	return dir
}

// WriteModule is NewModule into an existing directory.
func WriteModule(tb testing.TB, dir, modPath string, files map[string][]byte) {
	tb.Helper()
	sum, err := os.ReadFile(filepath.Join(RepoRoot(tb), "go.sum"))
	if err != nil {
		tb.Fatal(err)
	}
	all := map[string][]byte{"go.mod": GoMod(tb, modPath), "go.sum": sum}
	for k, v := range files {
		all[k] = v
	}
	for name, content := range all {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// ReadTree returns every regular file below dir, by slash-separated
// relative name.
func ReadTree(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

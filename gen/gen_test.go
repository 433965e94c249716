package gen_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/gen/gentest"
)

func generate(t *testing.T, dir string, patterns ...string) *gen.Result {
	t.Helper()
	res, err := gen.Generate(context.Background(), gen.Config{Dir: dir}, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestDeterminism runs the generator twice over a package with many types,
// fields and imports, declared in an order that differs from the sorted
// one: the output must be byte-identical (no map order leaks) and sorted.
func TestDeterminism(t *testing.T) {
	files := map[string][]byte{}
	kinds := []string{"int", "[]string", "map[string]int", "time.Time", "map[int][]byte", "url.URL", "*struct{ B []byte }", "[3]map[string]bool", "struct{ A []int }", "func() error"}
	for f := range 4 {
		var src strings.Builder
		src.WriteString("package many\n\nimport (\n\t\"bytes\"\n\t\"net/url\"\n\t\"time\"\n)\n\nvar _ = bytes.MinRead\nvar _ url.URL\nvar _ time.Time\n")
		for i := 9; i >= 0; i-- {
			name := fmt.Sprintf("T%c%d", 'Z'-rune(i), f)
			scope := "job"
			if i%2 == 1 {
				scope = "worker shared"
			}
			fmt.Fprintf(&src, "\n//routigen:state scope=%s\ntype %s struct {\n", scope, name)
			for j := range 10 {
				fmt.Fprintf(&src, "\tF%d %s\n", 9-j, kinds[(i+j)%len(kinds)])
			}
			src.WriteString("}\n")
		}
		files[fmt.Sprintf("f%d.go", 3-f)] = []byte(src.String())
	}
	dir := gentest.NewModule(t, "example.com/many", files)
	a := generate(t, dir)
	b := generate(t, dir)
	if err := a.Err(); err != nil {
		t.Fatal(err)
	}
	if len(a.Packages) != 1 || a.Packages[0].Content == nil {
		t.Fatalf("want one generated package, got %+v", a.Packages)
	}
	ca, cb := a.Packages[0].Content, b.Packages[0].Content
	if !bytes.Equal(ca, cb) {
		t.Fatalf("two runs differ:\n%s", gen.UnifiedDiff("run1", "run2", string(ca), string(cb)))
	}
	// Package.Types lists every annotated type, sorted.
	if got := a.Packages[0].Types; len(got) != 40 || !slices.IsSorted(got) || got[0] != "TQ0" {
		t.Errorf("Types = %v: want the 40 annotated types, sorted", got)
	}
	// Types come sorted by name.
	last := ""
	for line := range strings.SplitSeq(string(ca), "\n") {
		if name, ok := strings.CutPrefix(line, "type "); ok {
			name, _, _ = strings.Cut(name, "Accessor")
			if name < last {
				t.Errorf("type %s after %s: not sorted", name, last)
			}
			last = name
		}
	}
	if !gen.IsGenerated(ca) || !bytes.HasPrefix(ca, []byte(gen.Header+"\n//go:build !routigen\n")) {
		t.Errorf("bad header:\n%s", ca[:100])
	}
}

// TestCommit covers the file life cycle: write, keep the mode, skip an
// unchanged file, remove an orphan, never touch a foreign file.
func TestCommit(t *testing.T) {
	dir := gentest.NewModule(t, "example.com/life", map[string][]byte{
		"a/a.go":            []byte("package a\n\n//routigen:state scope=job\ntype A struct{ N int }\n"),
		"f/f.go":            []byte("package f\n\n//routigen:state scope=job\ntype F struct{ N int }\n"),
		"f/routigen_gen.go": []byte("package f\n\n// hand-written\n"),
	})
	file := filepath.Join(dir, "a", gen.FileName)
	foreign := filepath.Join(dir, "f", gen.FileName)

	res := generate(t, dir, "./...")
	if err := res.Err(); err == nil || !strings.Contains(err.Error(), "not written by routigen") {
		t.Fatalf("want the foreign-file error, got %v", err)
	}
	changes, err := res.Commit()
	manifest := filepath.Join(dir, "a", gen.ManifestName)
	if err != nil || len(changes) != 2 || changes[0] != (gen.Change{File: file, Action: gen.Write}) || changes[1] != (gen.Change{File: manifest, Action: gen.Write}) {
		t.Fatalf("first commit: %v %v", changes, err)
	}
	if b, _ := os.ReadFile(foreign); string(b) != "package f\n\n// hand-written\n" {
		t.Fatalf("foreign file touched: %q", b)
	}
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("mode of new file: %v %v", fi, err)
	}

	// Unchanged: nothing written, mtime kept.
	old := time.Now().Add(-time.Hour)
	os.Chtimes(file, old, old)
	res = generate(t, dir, "./a")
	if len(res.Stale()) != 0 {
		t.Fatalf("stale after commit: %v", res.Stale())
	}
	if changes, err := res.Commit(); err != nil || len(changes) != 0 {
		t.Fatalf("commit of an up-to-date result: %v %v", changes, err)
	}
	if fi, _ := os.Stat(file); !fi.ModTime().Equal(old) {
		t.Error("an unchanged file was rewritten")
	}

	// Changed type, custom mode: rewritten, mode kept, no temp file left.
	os.Chmod(file, 0o600)
	os.WriteFile(filepath.Join(dir, "a", "a.go"), []byte("package a\n\n//routigen:state scope=job\ntype A struct{ N, M int }\n"), 0o644)
	res = generate(t, dir, "./a")
	if d := string(res.Diff(dir)); !strings.Contains(d, "--- a/a/routigen_gen.go") || !strings.Contains(d, "+func (a AAccessor) M() int {") {
		t.Errorf("diff:\n%s", d)
	}
	if _, err := res.Commit(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(file); !bytes.Contains(b, []byte("func (a AAccessor) M() int")) {
		t.Error("file not rewritten")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "a"))
	if len(entries) != 3 { // a.go and the two files routigen writes
		t.Errorf("files left in a/: %v", entries)
	}

	// A stale or broken generated file does not block loading.
	os.WriteFile(file, []byte(gen.Header+"\n//go:build !routigen\n\npackage a\n\nfunc broken( {\n"), 0o644)
	res = generate(t, dir, "./a")
	if err := res.Err(); err != nil {
		t.Fatalf("broken generated file blocked the load: %v", err)
	}

	// Orphan: no annotated type left. The generated file goes; the
	// manifest stays, its type marked removed (stored values outlive it).
	os.WriteFile(filepath.Join(dir, "a", "a.go"), []byte("package a\n\ntype A struct{ N int }\n"), 0o644)
	res = generate(t, dir, "./a")
	if d := string(res.Diff(dir)); !strings.Contains(d, "+++ /dev/null") || !strings.Contains(d, "+state A (removed in version 3)") {
		t.Errorf("orphan diff:\n%s", d)
	}
	if changes, err := res.Commit(); err != nil || len(changes) != 2 || changes[0].Action != gen.Remove || changes[1] != (gen.Change{File: manifest, Action: gen.Write}) {
		t.Fatalf("orphan commit: %v %v", changes, err)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("orphan not removed: %v", err)
	}
	if b, err := os.ReadFile(manifest); err != nil || !bytes.Contains(b, []byte("state A (removed in version 3)\n")) {
		t.Errorf("manifest after the last type went: %v\n%s", err, b)
	}
	if changes, err := generate(t, dir, "./a").Commit(); err != nil || len(changes) != 0 {
		t.Fatalf("commit after the orphan run: %v %v", changes, err)
	}

	// The type back with another shape is held to the one it had.
	os.WriteFile(filepath.Join(dir, "a", "a.go"), []byte("package a\n\n//routigen:state scope=job\ntype A struct{ N string }\n"), 0o644)
	if err := generate(t, dir, "./a").Err(); err == nil || !strings.Contains(err.Error(), "a.go:4:") {
		t.Errorf("type back with another field type: want an error at its field, got %v", err)
	}
}

// TestErrorFormat checks the file:line:col: routigen: prefix and wrapping.
func TestErrorFormat(t *testing.T) {
	dir := gentest.NewModule(t, "example.com/bad", map[string][]byte{
		"p.go": []byte("package p\n\n//routigen:state scope=nope\ntype S struct{}\n\n//routigen:state scope=job\ntype T struct{ Load int }\n"),
	})
	res := generate(t, dir)
	errs := res.Errs()
	if len(errs) != 2 {
		t.Fatalf("want 2 errors, got %v", errs)
	}
	for _, e := range errs {
		if !strings.HasPrefix(e.Error(), filepath.Join(dir, "p.go")+":") || !strings.Contains(e.Error(), ": routigen: ") {
			t.Errorf("bad format: %s", e)
		}
	}
	var ge *gen.Error
	if !errors.As(res.Err(), &ge) {
		t.Errorf("Err() does not hold *gen.Error")
	}
	if res.Packages[0].Action() != gen.Keep || res.Packages[0].Content != nil {
		t.Error("a package with errors would be written")
	}
}

// TestCommitSymlink writes a symlinked routigen_gen.go through the link:
// the target gets the content, the link stays a link.
func TestCommitSymlink(t *testing.T) {
	dir := gentest.NewModule(t, "example.com/link", map[string][]byte{
		"a/a.go":              []byte("package a\n\n//routigen:state scope=job\ntype A struct{ N int }\n"),
		"shared/a_gen.go.txt": []byte(gen.Header + "\n//go:build !routigen\n\npackage a\n"),
		"shared/notes.md":     []byte("generated code of a lives here\n"),
	})
	link := filepath.Join(dir, "a", gen.FileName)
	target := filepath.Join(dir, "shared", "a_gen.go.txt")
	if err := os.Symlink(filepath.Join("..", "shared", "a_gen.go.txt"), link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	res := generate(t, dir, "./a")
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := res.Commit(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("%s is no longer a symlink: %v %v", link, fi, err)
	}
	if b, _ := os.ReadFile(target); !bytes.Contains(b, []byte("func AOf(")) {
		t.Errorf("the link's target was not written:\n%s", b)
	}
	if s := generate(t, dir, "./a").Stale(); len(s) != 0 {
		t.Errorf("stale after writing through the link: %v", s)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "shared")); len(entries) != 2 {
		t.Errorf("files left in shared/: %v", entries)
	}

	// A dangling link is an error naming the file; nothing is written.
	os.Remove(target)
	res = generate(t, dir, "./a")
	if err := res.Err(); err == nil || !strings.Contains(err.Error(), link+": routigen: routigen_gen.go is a symlink to ../shared/a_gen.go.txt, which cannot be resolved") {
		t.Fatalf("dangling link: got %v", err)
	}
	if changes, err := res.Commit(); err != nil || len(changes) != 0 {
		t.Errorf("commit past a dangling link: %v %v", changes, err)
	}
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dangling link's target was created: %v", err)
	}
}

// TestCommitRemovesStaleTemps: a temporary file an interrupted run left
// behind is removed by the next run once it is old; a young one (a run
// still writing) and files that only look alike are kept.
func TestCommitRemovesStaleTemps(t *testing.T) {
	dir := gentest.NewModule(t, "example.com/tmp", map[string][]byte{
		"a/a.go":                        []byte("package a\n\n//routigen:state scope=job\ntype A struct{ N int }\n"),
		"a/.routigen_gen.go.123456.tmp": []byte("half a file"),
		"a/.routigen.manifest.42.tmp":   []byte("half a manifest"),
		"a/.routigen_gen.go.987.tmp":    []byte("a run still writing"),
		"a/.routigen_gen.go.notes.tmp":  []byte("not ours"),
		"a/.other.go.123.tmp":           []byte("not ours either"),
	})
	old := time.Now().Add(-time.Hour)
	for _, n := range []string{".routigen_gen.go.123456.tmp", ".routigen.manifest.42.tmp", ".routigen_gen.go.notes.tmp", ".other.go.123.tmp"} {
		os.Chtimes(filepath.Join(dir, "a", n), old, old)
	}
	res := generate(t, dir, "./a")
	if _, err := res.Commit(); err != nil {
		t.Fatal(err)
	}
	var names []string
	entries, _ := os.ReadDir(filepath.Join(dir, "a"))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{".other.go.123.tmp", ".routigen_gen.go.987.tmp", ".routigen_gen.go.notes.tmp", "a.go", gen.ManifestName, gen.FileName}
	if !slices.Equal(names, want) {
		t.Errorf("files in a/: %v, want %v", names, want)
	}
}

// TestEmptyLoad: when the go command fails, packages.Load returns no
// package and no error; Generate must return the go command's message.
func TestEmptyLoad(t *testing.T) {
	t.Parallel()
	mod := gentest.GoMod(t, "example.com/untidy")
	sum, err := os.ReadFile(filepath.Join(gentest.RepoRoot(t), "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		want  map[string]string // pattern -> part of the error
	}{
		{"no go.mod", map[string][]byte{"p.go": []byte(pkgWithState)}, map[string]string{
			".":     "go: go.mod file not found in current directory or any parent directory",
			"./...": "pattern ./...: directory prefix . does not contain main module",
		}},
		{"go.mod needs updating", map[string][]byte{
			"go.mod": []byte("module example.com/untidy\n\ngo 1.26\n\nrequire golang.org/x/tools " + toolsVersion(t, mod) + "\n"),
			"go.sum": sum,
			"p.go":   []byte("package p\n\nimport _ \"golang.org/x/tools/go/packages\"\n\n//routigen:state scope=job\ntype S struct{ N int }\n"),
		}, map[string]string{
			".":     "go: updates to go.mod needed; to update it:\n\tgo mod tidy",
			"./...": "go: updates to go.mod needed; to update it:\n\tgo mod tidy",
		}},
		{"go.mod lacks a requirement", map[string][]byte{
			"go.mod": []byte("module example.com/untidy\n\ngo 1.26\n"),
			"p.go":   []byte("package p\n\nimport _ \"github.com/google/uuid\"\n\n//routigen:state scope=job\ntype S struct{ N int }\n"),
		}, map[string]string{
			".":     "p.go:3:8: routigen: no required module provides package github.com/google/uuid",
			"./...": "p.go:3:8: routigen: no required module provides package github.com/google/uuid",
		}},
		{"nothing to load", map[string][]byte{"go.mod": []byte("module example.com/empty\n\ngo 1.26\n")}, map[string]string{
			".":     "no Go files in",
			"./...": "./...: matched no packages",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, b := range tc.files {
				os.WriteFile(filepath.Join(dir, n), b, 0o644)
			}
			env := append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOPROXY=off")
			for _, pattern := range []string{".", "./..."} {
				res, err := gen.Generate(context.Background(), gen.Config{Dir: dir, Env: env}, pattern)
				if err == nil {
					err = res.Err()
				}
				if want := tc.want[pattern]; err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("Generate(%s) = %v; want an error containing %q", pattern, err, want)
				}
				if _, statErr := os.Stat(filepath.Join(dir, gen.FileName)); statErr == nil {
					t.Errorf("Generate(%s) wrote a file", pattern)
				}
			}
		})
	}
}

const pkgWithState = "package p\n\n//routigen:state scope=job\ntype S struct{ N int }\n"

// toolsVersion returns the version of golang.org/x/tools a go.mod requires.
func toolsVersion(t *testing.T, gomod []byte) string {
	for line := range strings.SplitSeq(string(gomod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "golang.org/x/tools" {
			return f[1]
		}
	}
	t.Fatal("no golang.org/x/tools in go.mod")
	return ""
}

// TestCRLFCheckout: a checkout that turned the committed files' line
// endings into CRLF (git's core.autocrlf on Windows) holds the same text.
// The generated file and the manifest are current: check passes and gen
// writes nothing; they used to be stale, and the manifest unreadable.
func TestCRLFCheckout(t *testing.T) {
	dir := gentest.NewModule(t, "example.com/crlf", map[string][]byte{
		"a/a.go": []byte("package a\r\n\r\n//routigen:state scope=worker\r\ntype A struct{ N int; S []string }\r\n"),
	})
	if _, err := generate(t, dir, "./...").Commit(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{gen.FileName, gen.ManifestName} {
		file := filepath.Join(dir, "a", name)
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := generate(t, dir, "./...")
	if err := res.Err(); err != nil {
		t.Fatalf("a CRLF checkout: %v", err)
	}
	if stale := res.Stale(); len(stale) != 0 {
		t.Errorf("a CRLF checkout is stale:\n%s", res.Diff(dir))
	}
	if changes, err := res.Commit(); err != nil || len(changes) != 0 {
		t.Errorf("gen over a CRLF checkout: %v %v", changes, err)
	}

	// A real change is still one.
	os.WriteFile(filepath.Join(dir, "a", "a.go"), []byte("package a\r\n\r\n//routigen:state scope=worker\r\ntype A struct{ N int; S []string; M int }\r\n"), 0o644)
	if res := generate(t, dir, "./..."); res.Err() != nil || len(res.Stale()) != 1 {
		t.Errorf("a change over a CRLF checkout: %v, %d stale", res.Err(), len(res.Stale()))
	}
}

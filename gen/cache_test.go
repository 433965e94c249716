package gen_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/gen/gentest"
)

const (
	cacheLib = `package lib

// Box is what the state holds of this package. It encodes itself, so the
// manifest does not spell its structure: only the cache key sees it.
type Box struct {
	N int
}

// MarshalText encodes a Box.
func (b Box) MarshalText() ([]byte, error) { return nil, nil }
`
	cacheState = `package p

import "example.com/cache/lib"

// S is the state.
//
//routigen:state scope=worker
type S struct {
	Box  lib.Box
	Tags []string
}
`
)

// TestRenderCache checks that a run with a render cache writes exactly
// what a run without one writes, through every kind of change that the
// cache key must see (a dependency's type, a package-level name that
// shifts an import alias, the manifest alone, the generated file edited
// by hand), that an entry is what lets a run skip rendering, and that a
// run without the cache (as check runs) is not fooled by a bad entry.
func TestRenderCache(t *testing.T) {
	t.Parallel()
	dir := gentest.NewModule(t, "example.com/cache", map[string][]byte{
		"lib/lib.go": []byte(cacheLib),
		"p/p.go":     []byte(cacheState),
	})
	cacheDir := t.TempDir()
	file := filepath.Join(dir, "p", gen.FileName)
	run := func(cache string) *gen.Package {
		t.Helper()
		res, err := gen.Generate(context.Background(), gen.Config{Dir: dir, CacheDir: cache}, "./...")
		if err != nil {
			t.Fatal(err)
		}
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Packages {
			if p.Path == "example.com/cache/p" {
				return p
			}
		}
		t.Fatal("package p not loaded")
		return nil
	}
	// step runs with and without the cache: both must want the same file;
	// then it writes it.
	step := func(what string) []byte {
		t.Helper()
		cached, plain := run(cacheDir), run("")
		if !bytes.Equal(cached.Content, plain.Content) {
			t.Fatalf("%s: the cached run wants another file than a run without cache:\n%s", what, gen.UnifiedDiff("uncached", "cached", string(plain.Content), string(cached.Content)))
		}
		if err := os.WriteFile(file, cached.Content, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cached.ManifestFile, cached.Manifest, 0o644); err != nil {
			t.Fatal(err)
		}
		return cached.Content
	}
	edit := func(name, old, new string) {
		t.Helper()
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte(old)) {
			t.Fatalf("no %q in %s: %v", old, name, err)
		}
		if err := os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	first := step("first run")
	entries := cacheEntries(t, cacheDir)
	if len(entries) != 1 {
		t.Fatalf("cache entries after the first run: %q, want one (package p)", entries)
	}
	if again := step("unchanged"); !bytes.Equal(again, first) {
		t.Fatal("an unchanged package got another file")
	}

	// The entry is what a run trusts: point it at other bytes on disk and
	// the cached run keeps them, while a run without cache (check) sees
	// the file is stale.
	forged := append(bytes.Clone(first), "// edited\n"...)
	os.WriteFile(file, forged, 0o644)
	sum := sha256.Sum256(forged)
	os.WriteFile(entries[0], []byte(hex.EncodeToString(sum[:])+"\n"), 0o644)
	if p := run(cacheDir); p.Action() != gen.Keep {
		t.Errorf("a forged entry was not used (action %v): the cache is never hit", p.Action())
	}
	if p := run(""); p.Action() != gen.Write {
		t.Errorf("a run without cache trusted a forged entry (action %v)", p.Action())
	}
	os.RemoveAll(cacheDir)

	// A file edited by hand is rendered again, entry or not.
	step("entry restored")
	os.WriteFile(file, forged, 0o644)
	if p := run(cacheDir); p.Action() != gen.Write || !bytes.Equal(p.Content, first) {
		t.Errorf("a hand-edited file was kept (action %v)", p.Action())
	}
	step("hand edit undone")

	// A dependency's type changes, the package's own files and manifest
	// do not: Box now holds a slice, which getters and Load must copy.
	edit("lib/lib.go", "\tN int\n", "\tN     int\n\tItems []string\n")
	if b := step("dependency changed"); !bytes.Contains(b, []byte("Box.Items")) {
		t.Errorf("a changed dependency did not change the file:\n%s", b)
	}

	// A package-level name takes the name of an import the file uses.
	os.WriteFile(filepath.Join(dir, "p", "names.go"), []byte("package p\n\nvar slices = 0\n"), 0o644)
	if b := step("a declared name"); !bytes.Contains(b, []byte("slices1.Clone")) {
		t.Errorf("the import was not renamed:\n%s", b)
	}

	// The manifest alone changes (the codecs spell its versions).
	edit("p/"+gen.ManifestName, "\tversion 1\n", "\tversion 5\n")
	if b := step("manifest edited"); !bytes.Contains(b, []byte(`NewStateDecoder(data, "example.com/cache/p.S", 5, 1)`)) {
		t.Errorf("the codec does not follow the manifest:\n%s", b)
	}
}

// cacheEntries lists the entry files of a render cache.
func cacheEntries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && len(d.Name()) == 64 {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestDefaultCacheDir checks where the command's render cache lives.
func TestDefaultCacheDir(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == gen.CacheEnv {
				return v
			}
			return ""
		}
	}
	abs := filepath.Join(t.TempDir(), "c")
	for v, want := range map[string]string{"off": "", "relative/dir": "", abs: abs} {
		if got := gen.DefaultCacheDir(env(v)); got != want {
			t.Errorf("%s=%q: %q, want %q", gen.CacheEnv, v, got, want)
		}
	}
	user, err := os.UserCacheDir()
	if err != nil {
		t.Skip("no user cache directory")
	}
	if got := gen.DefaultCacheDir(env("")); got != filepath.Join(user, "routigen") {
		t.Errorf("unset: %q, want %q", got, filepath.Join(user, "routigen"))
	}
}

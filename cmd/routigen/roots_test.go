package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPatternDirs checks the directories relative patterns name, as the go
// command matches them: lint keeps only their findings.
func TestPatternDirs(t *testing.T) {
	tmp := t.TempDir()
	for _, d := range []string{"a/b", "a/testdata/x", "a/_skip", "a/.hidden", "nested/inner", "c"} {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, "nested/go.mod"), []byte("module n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(tmp)
	d, ok := patternDirs([]string{"./a/...", "./c", "./nested/..."})
	if !ok {
		t.Fatal("relative patterns not taken as directories")
	}
	for dir, want := range map[string]bool{
		"a": true, "a/b": true, "c": true,
		"a/testdata/x": false, "a/_skip": false, "a/.hidden": false,
		"c/d": false, ".": false, "nested": true, "nested/inner": true,
	} {
		if got := d.match(filepath.Join(tmp, dir)); got != want {
			t.Errorf("match(%s) = %v, want %v", dir, got, want)
		}
	}
	// ./... from the root: a nested module is another module.
	d, _ = patternDirs([]string{"./..."})
	if d.match(filepath.Join(tmp, "nested/inner")) || !d.match(filepath.Join(tmp, "a/b")) {
		t.Error("./... must stop at a nested module and include a/b")
	}
	for _, p := range [][]string{{"example.com/m/..."}, {"./a", "std"}, {"./a/.../b"}} {
		if _, ok := patternDirs(p); ok {
			t.Errorf("patternDirs(%q): want go list to decide", p)
		}
	}
}

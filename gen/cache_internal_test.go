package gen

import (
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
)

// TestGeneratorID checks the generator's identity in the render cache key:
// on Linux the Go build ID of the running executable, as the go command
// reads it; no identity, no cache.
func TestGeneratorID(t *testing.T) {
	id := generatorID()
	if id == "" {
		t.Fatal("the generator has no identity: the render cache is never used")
	}
	if goruntime.GOOS != "linux" {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "buildid:" + strings.TrimSpace(string(out)); id != want {
		t.Errorf("generatorID() = %q, want %q", id, want)
	}
	notELF := filepath.Join(t.TempDir(), "x")
	os.WriteFile(notELF, []byte("#!/bin/sh\n"), 0o755)
	if got := elfBuildID(notELF); got != "" {
		t.Errorf("elfBuildID of a script: %q", got)
	}
	if newRenderCache("") != nil {
		t.Error("a cache without a directory")
	}
}

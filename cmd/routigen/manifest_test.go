package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/gen/gentest"
)

const counterV1 = "package p\n\n//routigen:state scope=worker\ntype Counter struct {\n\tN    int\n\tseen []string\n}\n"

// TestManifestGate runs the documented life of a state type's manifest
// through the command: gen records it, check holds the code to it, a
// compatible change is recorded by gen, a breaking one fails check and gen
// until gen -allow-breaking records it.
func TestManifestGate(t *testing.T) {
	dir := gentest.NewModule(t, "example.com/gate", map[string][]byte{"p/p.go": []byte(counterV1)})
	t.Chdir(dir)
	manifest := filepath.Join("p", gen.ManifestName)
	routigen(t, "gen", "./...").want(t, exitOK, "gen v1")
	routigen(t, "check", "./...").want(t, exitOK, "check v1")
	v1, err := os.ReadFile(manifest)
	if err != nil || !bytes.Contains(v1, []byte("\tfield N int\n\tfield seen []string\n")) {
		t.Fatalf("manifest of v1: %v\n%s", err, v1)
	}

	// A hand-edited manifest is stale: check shows the diff.
	os.WriteFile(manifest, bytes.Replace(v1, []byte("field N int"), []byte("field N int64"), 1), 0o644)
	r := routigen(t, "check", "./...")
	r.want(t, exitFail, "check (edited manifest)")
	if !strings.Contains(r.stderr, "p/p.go:5:2: routigen: field N of Counter: stored type changed from int64 (version 1, routigen.manifest) to int (version 2, the code)") {
		t.Errorf("check (edited manifest): stderr:\n%s", r.stderr)
	}
	os.WriteFile(manifest, v1, 0o644)

	// Compatible: a field added. check reports the manifest stale; gen
	// records version 2.
	os.WriteFile("p/p.go", []byte(strings.Replace(counterV1, "\tN    int\n", "\tN    int\n\tLast string\n", 1)), 0o644)
	r = routigen(t, "check", "./...")
	r.want(t, exitFail, "check (field added)")
	if !strings.Contains(r.stdout, "+\tversion 2\n") || !strings.Contains(r.stdout, "+\tfield Last string\n") || !strings.Contains(r.stderr, "p/routigen.manifest is stale; run routigen") {
		t.Errorf("check (field added): stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	routigen(t, "gen", "./...").want(t, exitOK, "gen (field added)")
	routigen(t, "check", "./...").want(t, exitOK, "check (field added, after gen)")

	// Breaking: N's type changed. check and gen fail at the field, naming
	// both versions; gen writes nothing.
	v2, _ := os.ReadFile(manifest)
	gen2, _ := os.ReadFile(filepath.Join("p", gen.FileName))
	os.WriteFile("p/p.go", []byte(strings.Replace(counterV1, "N    int", "N    string", 1)), 0o644)
	const want = "p/p.go:5:2: routigen: field N of Counter: stored type changed from int (version 2, routigen.manifest) to string (version 3, the code)"
	for _, cmd := range []string{"check", "gen"} {
		r = routigen(t, cmd, "./...")
		r.want(t, exitFail, cmd+" (type changed)")
		if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "routigen gen -allow-breaking") {
			t.Errorf("%s (type changed): stderr:\n%s", cmd, r.stderr)
		}
	}
	if b, _ := os.ReadFile(manifest); !bytes.Equal(b, v2) {
		t.Error("gen rewrote the manifest despite the breaking change")
	}
	if b, _ := os.ReadFile(filepath.Join("p", gen.FileName)); !bytes.Equal(b, gen2) {
		t.Error("gen rewrote the generated file despite the breaking change")
	}

	// Accepted: recorded as version 3, readable since version 3.
	r = routigen(t, "gen", "-allow-breaking", "./...")
	r.want(t, exitOK, "gen -allow-breaking")
	if !strings.Contains(r.stderr, "p/p.go:5:2: routigen: accepted breaking change: field N of Counter") {
		t.Errorf("gen -allow-breaking: stderr:\n%s", r.stderr)
	}
	if b, _ := os.ReadFile(manifest); !bytes.Contains(b, []byte("\tversion 3\n\tsince 3\n")) || !bytes.Contains(b, []byte("\tfield N string\n")) {
		t.Errorf("manifest after -allow-breaking:\n%s", b)
	}
	routigen(t, "check", "./...").want(t, exitOK, "check (after -allow-breaking)")
	routigen(t, "check", "-allow-breaking", "./...").want(t, exitUsage, "check takes no -allow-breaking")
}

// TestExplainManifest checks that explain documents the manifest, alone and
// in the full listing.
func TestExplainManifest(t *testing.T) {
	one := routigen(t, "explain", "manifest")
	one.want(t, exitOK, "explain manifest")
	for _, s := range []string{gen.ManifestName, "routigen gen -allow-breaking", `routigen:"name=Count"`, "since", "both versions"} {
		if !strings.Contains(one.stdout, s) {
			t.Errorf("explain manifest lacks %q:\n%s", s, one.stdout)
		}
	}
	if all := routigen(t, "explain"); !strings.Contains(all.stdout, one.stdout) {
		t.Errorf("explain lacks the manifest section:\n%s", all.stdout)
	}
	if r := routigen(t, "explain", "nosuch"); !strings.Contains(r.stderr, "manifest") {
		t.Errorf("explain nosuch does not list manifest: %s", r.stderr)
	}
}

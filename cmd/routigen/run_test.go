package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routigen/routigen/analyzer"
	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/gen/gentest"
	"github.com/routigen/routigen/internal/directive"
)

type result struct {
	code           int
	stdout, stderr string
}

func routigen(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return result{code, out.String(), errb.String()}
}

func (r result) want(t *testing.T, code int, what string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r.code, code, r.stdout, r.stderr)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"-bogus"}, {"gen", "-nope"}, {"check", "-x"}, {"explain", "a", "b"}, {"explain", "nosuch"}} {
		routigen(t, args...).want(t, exitUsage, strings.Join(args, " "))
	}
	// A flag after the packages is not a package: say so, as usage.
	for _, args := range [][]string{{"gen", ".", "-tags", "foo"}, {"check", "./...", "-v"}, {"./...", "-v"}} {
		r := routigen(t, args...)
		r.want(t, exitUsage, strings.Join(args, " "))
		if !strings.Contains(r.stderr, "flags come before the packages") {
			t.Errorf("%s: stderr does not say flags come first:\n%s", strings.Join(args, " "), r.stderr)
		}
	}
	for _, h := range []string{"help", "-h", "--help"} {
		r := routigen(t, h)
		r.want(t, exitOK, h)
		for _, sub := range []string{"routigen [gen]", "routigen check", "routigen lint", "routigen explain", "-vettool"} {
			if !strings.Contains(r.stdout, sub) {
				t.Errorf("%s: usage lacks %q", h, sub)
			}
		}
	}
}

const pkgSrc = "package p\n\n//routigen:state scope=job\ntype S struct{ N int }\n"

func TestGenAndCheck(t *testing.T) {
	dir := gentest.NewModule(t, "example.com/cmd", map[string][]byte{
		"p/p.go":              []byte(pkgSrc),
		"q/q.go":              []byte("package q\n\ntype Q struct{}\n"),
		"bad/bad.go":          []byte("package bad\n\n//routigen:state scope=job\ntype B struct{ Load int }\n"),
		"for/f.go":            []byte("package f\n\n//routigen:state scope=job\ntype F struct{ N int }\n"),
		"for/" + gen.FileName: []byte("package f\n\n// mine\n"),
	})
	t.Chdir(dir)
	file := filepath.Join("p", gen.FileName)

	// Missing: check fails with a diff from /dev/null, writes nothing.
	r := routigen(t, "check", "./p")
	r.want(t, exitFail, "check (missing)")
	if !strings.Contains(r.stdout, "--- /dev/null\n+++ b/p/routigen_gen.go\n") || !strings.Contains(r.stderr, "p/routigen_gen.go is missing") {
		t.Errorf("check (missing): stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("check wrote a file")
	}

	// gen (default subcommand and pattern) writes.
	t.Chdir(filepath.Join(dir, "p"))
	routigen(t).want(t, exitOK, "gen")
	t.Chdir(dir)
	want, err := os.ReadFile(file)
	if err != nil || !gen.IsGenerated(want) {
		t.Fatalf("gen did not write %s: %v", file, err)
	}
	routigen(t, "check", "./p", "./q").want(t, exitOK, "check (current)")
	r = routigen(t, "gen", "-v", "./p")
	r.want(t, exitOK, "gen (unchanged)")
	if r.stdout != "" {
		t.Errorf("gen of an unchanged package reported changes: %s", r.stdout)
	}

	// Stale.
	os.WriteFile("p/p.go", []byte(strings.Replace(pkgSrc, "N int", "N, M int", 1)), 0o644)
	r = routigen(t, "check", "./p")
	r.want(t, exitFail, "check (stale)")
	if !strings.Contains(r.stdout, "--- a/p/routigen_gen.go\n+++ b/p/routigen_gen.go\n") || !strings.Contains(r.stdout, "+func (a SAccessor) M() int {") || !strings.Contains(r.stderr, "is stale") {
		t.Errorf("check (stale): stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(file); !bytes.Equal(b, want) {
		t.Error("check changed the file")
	}
	r = routigen(t, "gen", "-v", "./p")
	r.want(t, exitOK, "gen (stale)")
	if r.stdout != "routigen: wrote "+file+"\nroutigen: wrote "+filepath.Join("p", gen.ManifestName)+"\n" {
		t.Errorf("gen -v: %q", r.stdout)
	}

	// Orphan.
	os.WriteFile("p/p.go", []byte("package p\n\ntype S struct{ N int }\n"), 0o644)
	r = routigen(t, "check", "./p")
	r.want(t, exitFail, "check (orphan)")
	if !strings.Contains(r.stdout, "+++ /dev/null") || !strings.Contains(r.stderr, "orphaned") {
		t.Errorf("check (orphan): stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	routigen(t, "gen", "./p").want(t, exitOK, "gen (orphan)")
	if _, err := os.Stat(file); err == nil {
		t.Error("orphan not removed")
	}
	routigen(t, "check", "./p").want(t, exitOK, "check (after orphan removal)")

	// Bad input: exit 1, relative positions, nothing written; and a
	// foreign file is left byte-identical.
	r = routigen(t, "./bad", "./for")
	r.want(t, exitFail, "gen (bad)")
	for _, sub := range []string{
		"bad/bad.go:4:16: routigen: getter Load of field Load",
		"for/routigen_gen.go:1:1: routigen: routigen_gen.go was not written by routigen",
	} {
		if !strings.Contains(r.stderr, sub) {
			t.Errorf("stderr lacks %q:\n%s", sub, r.stderr)
		}
	}
	if _, err := os.Stat("bad/" + gen.FileName); err == nil {
		t.Error("a package with errors was written")
	}
	if b, _ := os.ReadFile("for/" + gen.FileName); string(b) != "package f\n\n// mine\n" {
		t.Errorf("foreign file changed: %q", b)
	}
	routigen(t, "check", "./bad").want(t, exitFail, "check (bad)")

	// -tags reaches the loader, and never writes code that breaks the
	// build without the tag: a state type in a tagged file is an error,
	// with the tag and without it, and nothing is written.
	os.WriteFile("p/tagged.go", []byte("//go:build extra\n\npackage p\n\n//routigen:state scope=worker\ntype T struct{ N int }\n"), 0o644)
	before, _ := os.ReadFile(file)
	for _, args := range [][]string{{"-tags", "extra", "./p"}, {"./p"}} {
		r = routigen(t, args...)
		r.want(t, exitFail, "gen "+strings.Join(args, " "))
		if !strings.Contains(r.stderr, "p/tagged.go:5:1: routigen: state type T is declared in a file") {
			t.Errorf("gen %v: stderr lacks the tagged file's error:\n%s", args, r.stderr)
		}
		if b, _ := os.ReadFile(file); !bytes.Equal(b, before) {
			t.Errorf("gen %v changed %s", args, file)
		}
	}
}

// TestBuiltCommandLoadFailures runs the built command where the go command
// fails (outside a module, with a go.mod that needs updating): exit 1 and
// the go command's message, never a silent 0.
func TestBuiltCommandLoadFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "routigen")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	root := gentest.RepoRoot(t)
	var tools string
	gomod, _ := os.ReadFile(filepath.Join(root, "go.mod"))
	for line := range strings.SplitSeq(string(gomod), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "golang.org/x/tools" {
			tools = f[1]
		}
	}
	sum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"outside a module", map[string]string{"p.go": pkgSrc},
			"go: go.mod file not found in current directory or any parent directory"},
		{"untidy go.mod", map[string]string{
			"go.mod": "module example.com/untidy\n\ngo 1.26\n\nrequire golang.org/x/tools " + tools + "\n",
			"go.sum": string(sum),
			"p.go":   "package p\n\nimport _ \"golang.org/x/tools/go/packages\"\n\n//routigen:state scope=job\ntype S struct{ N int }\n",
		}, "go: updates to go.mod needed; to update it:\n\tgo mod tidy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for n, b := range tc.files {
				os.WriteFile(filepath.Join(dir, n), []byte(b), 0o644)
			}
			for _, args := range [][]string{nil, {"check"}, {"gen", "./..."}} {
				cmd := exec.Command(bin, args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOPROXY=off")
				out, err := cmd.CombinedOutput()
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() != exitFail {
					t.Errorf("routigen %v: %v, want exit %d\n%s", args, err, exitFail, out)
				}
				if len(args) < 2 && !strings.Contains(string(out), tc.want) {
					t.Errorf("routigen %v: output lacks %q:\n%s", args, tc.want, out)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, gen.FileName)); err == nil {
				t.Error("a file was written")
			}
		})
	}
}

// TestExplainComplete checks that explain documents every directive and
// option of the parser's table and every registered check.
func TestExplainComplete(t *testing.T) {
	r := routigen(t, "explain")
	r.want(t, exitOK, "explain")
	flat := strings.Join(strings.Fields(r.stdout), " ")
	has := func(what, s string) {
		t.Helper()
		if s = strings.Join(strings.Fields(s), " "); !strings.Contains(flat, s) {
			t.Errorf("explain lacks %s: %q", what, s)
		}
	}
	for _, d := range directive.Directives {
		has("directive", directive.Prefix+d.Name)
		has("usage", d.Usage)
		has("doc", d.Doc)
		for _, o := range d.Options {
			has("option", o.Name)
			has("option doc", o.Doc)
			for _, v := range o.Values {
				has("option value", v)
			}
		}
		// The directive as written in source, without its slashes, bare,
		// and by each of its options.
		names := []string{directive.Prefix + d.Name, strings.TrimPrefix(directive.Prefix, "//") + d.Name, d.Name}
		for _, o := range d.Options {
			names = append(names, o.Name)
		}
		for _, name := range names {
			one := routigen(t, "explain", name)
			one.want(t, exitOK, "explain "+name)
			if !strings.Contains(one.stdout, d.Usage) {
				t.Errorf("explain %s lacks the usage of %s", name, d.Name)
			}
		}
	}
	for _, a := range analyzer.All() {
		has("check", a.Name)
		has("check doc", a.Doc)
		one := routigen(t, "explain", a.Name)
		one.want(t, exitOK, "explain "+a.Name)
	}
}

// TestExplainKeepsCode checks that the bad and good examples of a check keep
// their indentation: a flattened example is hard to read.
func TestExplainKeepsCode(t *testing.T) {
	for _, a := range analyzer.All() {
		r := routigen(t, "explain", a.Name)
		r.want(t, exitOK, "explain "+a.Name)
		for _, part := range []string{"Bad", "Good"} {
			if !strings.Contains(r.stdout, part) {
				t.Errorf("explain %s lacks %q", a.Name, part)
			}
		}
		// Doc code blocks are tab-indented; a nested line comes out as
		// the 4-space block indent plus 4 spaces per further tab.
		if !strings.Contains(r.stdout, "\n        ") {
			t.Errorf("explain %s prints its examples without their indentation:\n%s", a.Name, r.stdout)
		}
	}
}

// TestExplainChecks checks what explain says of each check: the name to put
// in //routigen:ignore, and lists whose items keep their continuation lines
// indented under them.
func TestExplainChecks(t *testing.T) {
	for _, a := range analyzer.All() {
		r := routigen(t, "explain", a.Name)
		r.want(t, exitOK, "explain "+a.Name)
		if !strings.Contains(r.stdout, "//routigen:ignore "+a.Name) {
			t.Errorf("explain %s does not show how to suppress it", a.Name)
		}
	}
	r := routigen(t, "explain", "lostupdate")
	if !strings.Contains(r.stdout, "    - a.Store(x) where x derives from a.Load() or a field getter of the same\n      accessor;") {
		t.Errorf("explain lostupdate: list item continuation not indented:\n%s", r.stdout)
	}
	// The exclusions decided by facts are explained.
	for check, want := range map[string]string{
		"jobdata":     "is a fact of each function",
		"nilfallback": "only prints or logs it",
		"lostupdate":  "is a fact exported to its callers",
	} {
		if r := routigen(t, "explain", check); !strings.Contains(strings.Join(strings.Fields(r.stdout), " "), want) {
			t.Errorf("explain %s lacks %q", check, want)
		}
	}
}

// TestRenderCacheEnv checks that gen keeps its render cache where
// ROUTIGENCACHE says, that "off" turns it off, and that check never uses
// it: check renders every file, so a cache cannot make it pass.
func TestRenderCacheEnv(t *testing.T) {
	dir := gentest.NewModule(t, "example.com/cachenv", map[string][]byte{"p/p.go": []byte(pkgSrc)})
	t.Chdir(dir)
	cache := filepath.Join(t.TempDir(), "cache")
	t.Setenv(gen.CacheEnv, cache)
	routigen(t, "check", "./p").want(t, exitFail, "check (missing)")
	if _, err := os.Stat(cache); err == nil {
		t.Fatal("check created the render cache")
	}
	t.Setenv(gen.CacheEnv, "off")
	routigen(t, "gen", "./p").want(t, exitOK, "gen (cache off)")
	if _, err := os.Stat(cache); err == nil {
		t.Fatal("gen used the render cache with ROUTIGENCACHE=off")
	}
	os.Remove(filepath.Join("p", gen.FileName))
	t.Setenv(gen.CacheEnv, cache)
	routigen(t, "gen", "./p").want(t, exitOK, "gen")
	entries, _ := filepath.Glob(filepath.Join(cache, strings.Repeat("?", 64)))
	if len(entries) != 1 {
		t.Fatalf("render cache entries after gen: %q, want one", entries)
	}
	before, _ := os.ReadFile(entries[0])
	routigen(t, "gen", "./p").want(t, exitOK, "gen (again)")
	routigen(t, "check", "./p").want(t, exitOK, "check (current)")
	if after, _ := os.ReadFile(entries[0]); !bytes.Equal(before, after) {
		t.Error("a run with nothing to render changed the cache entry")
	}
}

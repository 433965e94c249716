package golangci_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/routigen/routigen/analyzer"
	"github.com/routigen/routigen/internal/e2e"
)

// golangciVersion is the golangci-lint release the real build uses; the
// README's .custom-gcl.yml names the same (TestPublishable).
const golangciVersion = "v2.15.0"

// TestRealGolangciLint builds golangci-lint from its published source with
// this plugin compiled in, as `golangci-lint custom` does (a plugins.go of
// blank imports), requiring the plugin at the version the README pins and
// replacing both modules by this checkout. It then runs the binary on
// testdata/lintmod, where each check must fire exactly where a `// want`
// comment says, //nolint:routigen and //routigen:ignore must suppress, and
// --fix must apply the suggested fix. It takes about a minute cold, so it
// runs when ROUTIGEN_E2E is set, as .ci/run sets it.
func TestRealGolangciLint(t *testing.T) {
	if os.Getenv("ROUTIGEN_E2E") == "" {
		t.Skip("set ROUTIGEN_E2E=1 to build and run a real golangci-lint " + golangciVersion + " (.ci/run does)")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	version := rootRequirement(t)
	bin := buildGolangciLint(t, root, version)
	mod := lintModule(t, root)
	want := wantComments(t, mod)
	if len(want) != len(analyzer.All()) {
		t.Fatalf("fixture: %d // want comments, want one per check (%d)", len(want), len(analyzer.All()))
	}

	got := golangciRun(t, bin, mod)
	if !slices.Equal(got, want) {
		t.Errorf("golangci-lint reported\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}

	// --fix applies lostupdate's suggested fix and nothing else.
	bad := filepath.Join(mod, "loop", "bad.go")
	goodBefore := readFile(t, filepath.Join(mod, "loop", "good.go"))
	golangciRun(t, bin, mod, "--fix")
	fixed := readFile(t, bad)
	if !strings.Contains(fixed, "\ts.Update(func(st *Seen) { st.N++ })") || strings.Contains(fixed, "s.SetN(s.N() + 1)") {
		t.Errorf("--fix did not rewrite the lost update:\n%s", fixed)
	}
	if readFile(t, filepath.Join(mod, "loop", "good.go")) != goodBefore {
		t.Error("--fix changed good.go")
	}
	got = golangciRun(t, bin, mod)
	if wantFixed := slices.DeleteFunc(slices.Clone(want), func(s string) bool { return strings.HasSuffix(s, " lostupdate") }); !slices.Equal(got, wantFixed) {
		t.Errorf("after --fix golangci-lint reported\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(wantFixed, "\n\t"))
	}

	// The suppressions are what keeps the two other writes quiet: without
	// them both are reported.
	stripped := regexp.MustCompile(`\s*//(nolint|routigen:ignore).*`).ReplaceAllString(fixed, "")
	if err := os.WriteFile(bad, []byte(stripped), 0o644); err != nil {
		t.Fatal(err)
	}
	got = golangciRun(t, bin, mod)
	var unsuppressed []string
	for _, g := range got {
		if strings.HasSuffix(g, " jobdata") {
			unsuppressed = append(unsuppressed, g)
		}
	}
	if len(unsuppressed) != 3 {
		t.Errorf("without //nolint and //routigen:ignore: %d jobdata findings, want 3 (the flat key, legacy, audit):\n\t%s", len(unsuppressed), strings.Join(got, "\n\t"))
	}
}

// rootRequirement returns the version of the root module this module's
// go.mod requires: the version the plugin is published against.
func rootRequirement(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*github\.com/routigen/routigen (v\S+)`).FindStringSubmatch(readFile(t, "go.mod"))
	if m == nil {
		t.Fatal("go.mod does not require github.com/routigen/routigen")
	}
	return m[1]
}

// buildGolangciLint builds golangci-lint from the module cache with the
// plugin blank-imported, and returns the binary's path.
func buildGolangciLint(t *testing.T, root, version string) string {
	t.Helper()
	var dl struct{ Dir, Error string }
	out := goIn(t, "", nil, "mod", "download", "-json", "github.com/golangci/golangci-lint/v2@"+golangciVersion)
	if err := json.Unmarshal([]byte(out), &dl); err != nil || dl.Dir == "" {
		t.Fatalf("go mod download golangci-lint: %v %s\n%s", err, dl.Error, out)
	}
	src := filepath.Join(t.TempDir(), "golangci-lint")
	if err := os.CopyFS(src, os.DirFS(dl.Dir)); err != nil {
		t.Fatal(err)
	}
	plugins := "package main\n\nimport _ \"github.com/routigen/routigen/analyzer/golangci\"\n"
	if err := os.WriteFile(filepath.Join(src, "cmd", "golangci-lint", "plugins.go"), []byte(plugins), 0o644); err != nil {
		t.Fatal(err)
	}
	goIn(t, src, nil, "mod", "edit",
		"-require=github.com/routigen/routigen/analyzer/golangci@"+version,
		"-replace=github.com/routigen/routigen/analyzer/golangci="+filepath.Join(root, "analyzer", "golangci"),
		"-replace=github.com/routigen/routigen="+root)
	goIn(t, src, nil, "mod", "tidy")
	bin := filepath.Join(src, "golangci-lint.bin")
	goIn(t, src, nil, "build", "-o", bin, "./cmd/golangci-lint")
	return bin
}

// lintModule copies testdata/lintmod into a temporary module that uses this
// checkout, and generates its accessors with the module's routigen tool.
func lintModule(t *testing.T, root string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "lintmod")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "lintmod"))); err != nil {
		t.Fatal(err)
	}
	proxy, err := e2e.FallThroughProxy()
	if err != nil {
		t.Fatal(err)
	}
	env := []string{proxy}
	goIn(t, dir, env, "mod", "edit", "-replace=github.com/routigen/routigen="+root)
	goIn(t, dir, env, "mod", "tidy")
	goIn(t, dir, env, "generate", "./...")
	if _, err := os.Stat(filepath.Join(dir, "loop", "routigen_gen.go")); err != nil {
		t.Fatalf("go generate wrote no accessors: %v", err)
	}
	return dir
}

// wantComments returns "file:line check" for every `// want CHECK` comment
// of the module's loop package, sorted.
func wantComments(t *testing.T, dir string) []string {
	t.Helper()
	var want []string
	files, _ := filepath.Glob(filepath.Join(dir, "loop", "*.go"))
	for _, f := range files {
		want = append(want, e2e.WantComments(readFile(t, f), "loop/"+filepath.Base(f))...)
	}
	slices.Sort(want)
	return want
}

// golangciRun runs the built golangci-lint in dir and returns its findings
// as sorted "file:line check", failing the test on any finding that is not
// the plugin's or whose message does not name exactly one check.
func golangciRun(t *testing.T, bin, dir string, args ...string) []string {
	t.Helper()
	cmd := exec.Command(bin, append(append([]string{"run"}, args...), "--output.json.path=stdout", "--show-stats=false", "./...")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOLANGCI_LINT_CACHE="+t.TempDir())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("golangci-lint run %s: %v\n%s\n%s", strings.Join(args, " "), err, out, stderr.String())
	}
	var report struct {
		Issues []struct {
			FromLinter, Text string
			Pos              struct {
				Filename string
				Line     int
			}
		}
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("golangci-lint run: %v\n%s\n%s", err, out, stderr.String())
	}
	if (len(report.Issues) > 0) != (err != nil) {
		t.Errorf("golangci-lint run: %d issues but exit status %v", len(report.Issues), err)
	}
	var got []string
	for _, is := range report.Issues {
		check := e2e.NamedCheck(is.Text)
		if is.FromLinter != "routigen" || check == "" {
			t.Errorf("%s:%d: from %q, names no single check exactly once: %q", is.Pos.Filename, is.Pos.Line, is.FromLinter, is.Text)
		}
		got = append(got, fmt.Sprintf("%s:%d %s", filepath.ToSlash(is.Pos.Filename), is.Pos.Line, check))
	}
	slices.Sort(got)
	return got
}

// goIn runs the go command in dir (the test's directory when empty) and
// returns its standard output, failing the test when it fails.
func goIn(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOWORK=off"), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s (in %s): %v\n%s%s", strings.Join(args, " "), dir, err, out, stderr.String())
	}
	return string(out)
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

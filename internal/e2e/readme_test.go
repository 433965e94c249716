package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The README's commands, verbatim. The test fails when the README shows a
// command it does not know, and when one of these is missing from the
// README: a new command gets an entry here saying what it must do.
const (
	modInit     = "go mod init example.com/tour"
	getTool     = "go get -tool github.com/routigen/routigen/cmd/routigen"
	getRuntime  = "go get github.com/routigen/routigen/runtime"
	generate    = "go generate ./..."
	runTour     = "go run ."
	check       = "go tool routigen check ./..."
	lint        = "go tool routigen lint ./..."
	vet         = "go vet -vettool=$(go tool -n routigen) ./..."
	vetFixDiff  = "go vet -vettool=$(go tool -n routigen) -fix -diff ./..."
	fixDiff     = "go fix -fixtool=$(go tool -n routigen) -diff ./..."
	fix         = "go fix -fixtool=$(go tool -n routigen) ./..."
	testCommand = "go test -race ./..."
)

// repoCommands are the commands the README runs in this checkout, with the
// exit status it promises and a piece of what they print. go run exits 1
// for any failure of the program and names the program's own status. The
// README's test command is not run here (it runs this test); .ci/run must
// call it.
//
// freshCache runs a command with a build cache of its own. Go 1.26's go vet
// caches the run of a vet tool on a package vetted only as a dependency
// (for facts, no diagnostics) under the same key as a direct vet of that
// package, so after an importer was vetted a vet of the package itself
// replays an empty result: testdata/multiloop_flatkey is imported by its
// cmd/flatkey, which any lint of ./testdata/... vets first.
var repoCommands = map[string]struct {
	code       int
	out        string
	freshCache bool
}{
	"go run ./examples/overseer":                              {0, "", false},
	"go run ./examples/multiloop":                             {0, "", false},
	"go run ./examples/tracing":                               {0, "", false},
	"go run ./testdata/multiloop_flatkey/cmd/flatkey":         {1, "exit status 1", false},
	"go run ./cmd/routigen lint ./testdata/multiloop_flatkey": {1, "exit status 3", true},
}

// badGo has one finding per check, each marked `// want CHECK`.
const badGo = `package loop

import (
	"context"

	"github.com/routigen/routigen/runtime"
)

func bad(ctx context.Context, in runtime.Input) error {
	count := 0
	job, ok := runtime.JobFromContext(ctx) // want nilfallback
	if !ok {
		count = len(in.Slot("in"))
	} else {
		job.SetData("loop_iteration", count) // want jobdata
	}
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	_ = ec.Worker.RoutineState("cache") // want workerkey
	s, err := SeenOf(ctx)
	if err != nil {
		return err
	}
	s.SetN(s.N() + 1) // want lostupdate
	return nil
}
`

// seenGo adds an annotated type, which makes the generated file stale.
const seenGo = `package loop

// Seen lives in the worker, across jobs.
//
//routigen:state scope=worker
type Seen struct {
	N int
}
`

func TestREADME(t *testing.T) {
	if os.Getenv("ROUTIGEN_E2E") == "" {
		t.Skip("set ROUTIGEN_E2E=1 to run the README in a temporary module (.ci/run does)")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := parseMarkdown(string(src))
	proxy, err := FallThroughProxy()
	if err != nil {
		t.Fatal(err)
	}
	u := &user{t: t, dir: filepath.Join(t.TempDir(), "tour"), env: []string{proxy}, ran: map[string]bool{}}
	if err := os.Mkdir(u.dir, 0o755); err != nil {
		t.Fatal(err)
	}

	tour := doc.section("A five-minute tour")
	install := doc.section("Install")
	tourCmds := tour.shCommands()
	if len(tourCmds) == 0 || tourCmds[0] != modInit {
		t.Fatalf("the tour's first command is not %q: %q", modInit, tourCmds)
	}
	u.run(modInit, 0)
	u.run("go mod edit -replace=github.com/routigen/routigen="+root, 0) // the test's one addition: use this checkout
	for _, c := range install.shCommands() {
		switch c {
		case getTool, getRuntime:
			u.run(c, 0)
		default:
			t.Errorf("README's Install shows %q: the test does not know what it must do", c)
		}
	}
	for name, body := range tour.goFiles(t) {
		u.write(name, body)
	}
	u.cleanTour(tourCmds[1:])
	u.withoutRuntime(root, string(install))
	u.badCode()
	u.help()
	u.repo(root, doc)

	shown := append(install.shCommands(), tourCmds...)
	for _, c := range []string{modInit, getTool, getRuntime, generate, runTour, check, lint, vet, vetFixDiff, fixDiff, fix} {
		if !slices.Contains(shown, c) {
			t.Errorf("the README's Install and tour no longer show %q: README and test disagree", c)
		}
	}
}

// user runs shell commands in the temporary module as a user would.
type user struct {
	t   *testing.T
	dir string
	env []string
	ran map[string]bool
}

// run runs cmd with sh in the module, fails the test unless it exits with
// code, and returns its combined output.
func (u *user) run(cmd string, code int) string {
	u.t.Helper()
	out, got := u.runIn(u.dir, cmd)
	if got != code {
		u.t.Fatalf("%s: exit status %d, want %d\n%s", cmd, got, code, out)
	}
	return out
}

func (u *user) runIn(dir, cmd string) (string, int) {
	u.t.Helper()
	c := exec.Command("sh", "-c", cmd)
	c.Dir = dir
	c.Env = append(append(os.Environ(), "GOWORK=off"), u.env...)
	out, err := c.CombinedOutput()
	u.ran[cmd] = true
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	u.t.Fatalf("%s: %v", cmd, err)
	return "", -1
}

func (u *user) write(name, body string) {
	u.t.Helper()
	p := filepath.Join(u.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		u.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		u.t.Fatal(err)
	}
}

func (u *user) read(name string) string {
	u.t.Helper()
	b, err := os.ReadFile(filepath.Join(u.dir, filepath.FromSlash(name)))
	if err != nil {
		u.t.Fatal(err)
	}
	return string(b)
}

// cleanTour runs the tour's commands, in the README's order, on the tour's
// own code: everything succeeds and the checks find nothing.
func (u *user) cleanTour(cmds []string) {
	u.t.Helper()
	for _, c := range cmds {
		switch c {
		case generate:
			u.run(c, 0)
			if !strings.HasPrefix(u.read("loop/routigen_gen.go"), "// Code generated by routigen. DO NOT EDIT.") {
				u.t.Fatal("go generate wrote no loop/routigen_gen.go")
			}
		case runTour:
			if out := u.run(c, 0); !strings.Contains(out, "done after 5 iterations") {
				u.t.Errorf("%s printed %q, want the README's \"done after 5 iterations\"", c, out)
			}
		case check, lint, vet, vetFixDiff, fixDiff, fix:
			if out := u.run(c, 0); strings.TrimSpace(out) != "" {
				u.t.Errorf("%s on the tour's own code printed:\n%s", c, out)
			}
		default:
			u.t.Errorf("the README's tour shows %q: the test does not know what it must do", c)
		}
	}
}

// withoutRuntime checks what the Install section says of a module that
// installed the tool but did not get the runtime: its first build fails with
// the quoted message, and go mod tidy is the other way to mend it.
func (u *user) withoutRuntime(root, install string) {
	u.t.Helper()
	m := regexp.MustCompile("`(missing go.sum entry[^`]*?) …`").FindStringSubmatch(install)
	if m == nil {
		u.t.Fatal("README's Install section no longer quotes the missing go.sum entry error")
	}
	bare := &user{t: u.t, dir: filepath.Join(u.t.TempDir(), "bare"), env: u.env, ran: map[string]bool{}}
	bare.write("main.go", "package main\n\nimport \"github.com/routigen/routigen/runtime\"\n\nfunc main() { _ = runtime.New().Close() }\n")
	bare.run("go mod init example.com/bare", 0)
	bare.run("go mod edit -replace=github.com/routigen/routigen="+root, 0)
	bare.run(getTool, 0)
	if out := bare.run("go build ./...", 1); !strings.Contains(out, m[1]) {
		u.t.Errorf("without %q the build fails otherwise than the README says (%q):\n%s", getRuntime, m[1], out)
	}
	bare.run("go mod tidy", 0)
	bare.run("go build ./...", 0)
}

// badCode adds a state type and code with one finding per check, and
// asserts that every check and gate of the tour fires: a command that
// checks nothing fails here.
func (u *user) badCode() {
	u.t.Helper()
	u.write("loop/seen.go", seenGo)
	if out := u.run(check, 1); !strings.Contains(out, "loop/routigen_gen.go is stale") {
		u.t.Errorf("%s after a new annotated type:\n%s", check, out)
	}
	u.run(generate, 0)
	u.run(check, 0)
	u.write("loop/bad.go", badGo)
	want := WantComments(badGo, "loop/bad.go")

	u.findings(lint, 3, want)
	u.findings(vet, 1, want)
	for _, c := range []string{vetFixDiff, fixDiff} {
		out := u.run(c, 1)
		if !strings.Contains(out, "+\ts.Update(func(") || !strings.Contains(out, "-\ts.SetN(s.N() + 1)") {
			u.t.Errorf("%s printed no Update fix:\n%s", c, out)
		}
		if u.read("loop/bad.go") != badGo {
			u.t.Errorf("%s changed loop/bad.go", c)
		}
	}
	u.run(fix, 0)
	if src := u.read("loop/bad.go"); !strings.Contains(src, "\ts.Update(func(") || strings.Contains(src, "s.SetN(s.N() + 1)") {
		u.t.Errorf("%s did not apply the Update fix:\n%s", fix, src)
	}
	u.findings(vet, 1, slices.DeleteFunc(want, func(s string) bool { return strings.HasSuffix(s, " lostupdate") }))
}

// findings runs cmd, which must exit with code, and compares the
// diagnostics it prints ("file:line:col: message") with want ("file:line
// check"); each message must name its check exactly once.
func (u *user) findings(cmd string, code int, want []string) {
	u.t.Helper()
	out := u.run(cmd, code)
	var got []string
	for line := range strings.SplitSeq(out, "\n") {
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "\t") {
			continue
		}
		m := regexp.MustCompile(`^([^:]+):(\d+):\d+: (.*)$`).FindStringSubmatch(line)
		if m == nil {
			u.t.Errorf("%s: not a diagnostic: %q", cmd, line)
			continue
		}
		name := NamedCheck(m[3])
		if name == "" {
			u.t.Errorf("%s: %q does not name exactly one check exactly once", cmd, line)
		}
		file := strings.TrimPrefix(filepath.ToSlash(m[1]), filepath.ToSlash(u.dir)+"/") // lint prints absolute paths
		got = append(got, fmt.Sprintf("%s:%s %s", file, m[2], name))
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		u.t.Errorf("%s reported\n\t%s\nwant\n\t%s\noutput:\n%s", cmd, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"), out)
	}
}

// help checks that every command line `routigen help` shows is one this
// test ran, and that its go:generate line is the one the tour's state.go
// carries.
func (u *user) help() {
	u.t.Helper()
	out := u.run(`"$(go tool -n routigen)" help`, 0)
	n := 0
	for line := range strings.SplitSeq(out, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "//go:generate "):
			n++
			if !strings.Contains(u.read("loop/state.go"), "\n"+line+"\n") {
				u.t.Errorf("routigen help shows %q, which the tour's go generate did not run", line)
			}
		case strings.HasPrefix(line, "go "):
			n++
			if !u.ran[line] {
				u.t.Errorf("routigen help shows %q, which the README test did not run", line)
			}
		}
	}
	if n < 5 {
		u.t.Errorf("routigen help shows %d commands, want the install, generate, check, lint, vet and fix lines:\n%s", n, out)
	}
}

// repo runs the commands the README runs in this checkout.
func (u *user) repo(root string, doc markdown) {
	u.t.Helper()
	cmds := doc.preamble().shCommands()
	cmds = append(cmds, doc.section("Examples").goSpans()...)
	seen := map[string]bool{}
	for _, c := range cmds {
		if seen[c] {
			continue
		}
		seen[c] = true
		if c == testCommand {
			ci, err := os.ReadFile(filepath.Join(root, ".ci", "run"))
			if err != nil || !slices.Contains(strings.Split(string(ci), "\n"), testCommand) {
				u.t.Errorf(".ci/run does not run the README's test command %q on a line of its own", testCommand)
			}
			continue
		}
		want, ok := repoCommands[c]
		if !ok {
			u.t.Errorf("the README shows %q: the test does not know what it must do", c)
			continue
		}
		env := u.env
		if want.freshCache {
			u.env = append(slices.Clip(env), "GOCACHE="+u.t.TempDir())
		}
		out, got := u.runIn(root, c)
		u.env = env
		if got != want.code || !strings.Contains(out, want.out) {
			u.t.Errorf("%s (in the checkout): exit status %d, want %d and %q in\n%s", c, got, want.code, want.out, out)
		}
	}
	for c := range repoCommands {
		if !seen[c] {
			u.t.Errorf("the README no longer shows %q: drop it from repoCommands", c)
		}
	}
}

package jetstream

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The module of TestStateAcrossVersions: one program that stores or loads
// a worker-scope state type through its generated accessor, on an embedded
// server whose store outlives the process, and the versions of that type.
const (
	twoMain = `package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"example.com/twov/state"
	"github.com/routigen/routigen/jetstream"
	"github.com/routigen/routigen/runtime"
)

func main() {
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run stores (mode "store") or describes (mode "load") the worker state of
// one routine, in one job, on a node of its own.
func run(mode, dir string) error {
	s, err := jetstream.StartServer(jetstream.ServerConfig{StoreDir: dir})
	if err != nil {
		return err
	}
	defer s.Shutdown()
	nc, err := s.Conn()
	if err != nil {
		return err
	}
	defer nc.Close()
	b, err := jetstream.NewBackend(nc, jetstream.Prefix("twov"), jetstream.AckWait(time.Second))
	if err != nil {
		return err
	}
	rt := runtime.New(runtime.WithBackend(b), runtime.WithNodeID("node-"+mode))
	defer rt.Close()
	keep := runtime.NewRoutine("keep").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		acc, err := state.CounterOf(ctx)
		if err != nil {
			return err
		}
		job, err := runtime.RequireJob(ctx)
		if err != nil {
			return err
		}
		if mode == "store" {
			acc.Store(state.Seed())
		}
		job.SetResult(state.Describe(acc.Load()))
		return nil
	})
	f := runtime.NewFlow("twov")
	if err := f.Add("keep", keep); err != nil {
		return err
	}
	if err := rt.Register(f); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	job, err := rt.Post(ctx, "twov", "keep", "in", nil)
	if err != nil {
		return err
	}
	if err := job.Wait(ctx); err != nil {
		return err
	}
	if err := job.Err(); err != nil {
		return err
	}
	fmt.Printf("result: %v\n", job.Result())
	return nil
}
`
	twoStateV1 = `package state

import "fmt"

// Counter is kept by the routine across jobs.
//
//routigen:state scope=worker
type Counter struct {
	N     int
	Names []string
	note  string
}

func Seed() Counter { return Counter{N: 41, Names: []string{"a", "b"}, note: "kept"} }

func Describe(c Counter) string { return fmt.Sprintf("v1 N=%d Names=%v note=%s", c.N, c.Names, c.note) }
`
	// Version 2: Total added, Names removed, note renamed remark keeping
	// its stored name.
	twoStateV2 = `package state

import "fmt"

// Counter is kept by the routine across jobs.
//
//routigen:state scope=worker
type Counter struct {
	N      int
	Total  int64
	remark string ` + "`routigen:\"name=note\"`" + `
}

func Seed() Counter { return Counter{N: 1, Total: 2, remark: "new"} }

func Describe(c Counter) string { return fmt.Sprintf("v2 N=%d Total=%d remark=%s", c.N, c.Total, c.remark) }
`
)

// TestStateAcrossVersions stores worker state with the code routigen
// generates for one version of a state type, on an embedded server, then
// changes the type compatibly, regenerates (the manifest moves to version
// 2) and reads the stored value back in a new process over the same store;
// then accepts a breaking change and checks that the value is refused, not
// misread.
func TestStateAcrossVersions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a module several times (-short)")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "routigen")
	goCmd(t, root, nil, "build", "-o", bin, "./cmd/routigen")
	mod := filepath.Join(tmp, "twov")
	store := filepath.Join(tmp, "store")
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOSUMDB=off") // the cache holds every module; go.sum lines are added from it
	write(t, mod, map[string]string{
		"go.mod":         twoGoMod(t, root),
		"go.sum":         readFile(t, filepath.Join(root, "go.sum")) + readFile(t, filepath.Join(root, "jetstream", "go.sum")),
		"main.go":        twoMain,
		"state/state.go": twoStateV1,
	})
	routigenErr := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = mod, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	routigen := func(args ...string) {
		t.Helper()
		if out, err := routigenErr(args...); err != nil {
			t.Fatalf("routigen %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	program := func(mode string) (string, error) {
		t.Helper()
		cmd := exec.Command("go", "run", ".", mode, store)
		cmd.Dir, cmd.Env = mod, env
		out, err := cmd.CombinedOutput()
		t.Logf("go run . %s: %v\n%s", mode, err, out)
		return string(out), err
	}

	routigen("gen", "./...")
	if out, err := program("store"); err != nil || !strings.Contains(out, "result: v1 N=41 Names=[a b] note=kept") {
		t.Fatalf("version 1 store: %v\n%s", err, out)
	}

	write(t, mod, map[string]string{"state/state.go": twoStateV2})
	if out, err := routigenErr("check", "./..."); err == nil || !strings.Contains(out, "state/routigen.manifest is stale") {
		t.Fatalf("check after a compatible change, before gen: %v\n%s", err, out)
	}
	routigen("gen", "./...")
	if m := readFile(t, filepath.Join(mod, "state", "routigen.manifest")); !strings.Contains(m, "\tversion 2\n\tsince 1\n") || !strings.Contains(m, "\tremoved in 2: Names []string\n") {
		t.Fatalf("manifest of version 2:\n%s", m)
	}
	if out, err := program("load"); err != nil || !strings.Contains(out, "result: v2 N=41 Total=0 remark=kept") {
		t.Fatalf("version 2 load of what version 1 stored: %v\n%s", err, out)
	}

	// Version 3: N's type changed. check refuses it; accepted, the stored
	// value is refused at load rather than misread.
	v3 := strings.NewReplacer("N      int", "N      string", "N: 1,", `N: "1",`, "N=%d", "N=%s").Replace(twoStateV2)
	write(t, mod, map[string]string{"state/state.go": v3})
	if out, err := routigenErr("check", "./..."); err == nil || !strings.Contains(out, "field N of Counter: stored type changed from int (version 2, routigen.manifest) to string (version 3, the code)") {
		t.Fatalf("check after a breaking change: %v\n%s", err, out)
	}
	routigen("gen", "-allow-breaking", "./...")
	if out, err := program("load"); err == nil || !strings.Contains(out, "stored under version 1, before the breaking change of version 3") {
		t.Fatalf("version 3 load of what version 1 stored: %v\n%s", err, out)
	}
}

// twoGoMod is the go.mod of the test module: this checkout's two modules,
// replaced by their directories, and every module they require, so that
// the go command finds them all in the module cache that building this
// module filled.
func twoGoMod(t *testing.T, root string) string {
	var b strings.Builder
	b.WriteString("module example.com/twov\n\ngo 1.26.0\n\nrequire (\n")
	b.WriteString("\tgithub.com/routigen/routigen v0.0.0\n\tgithub.com/routigen/routigen/jetstream v0.0.0\n")
	seen := map[string]bool{}
	for _, f := range []string{filepath.Join(root, "jetstream", "go.mod"), filepath.Join(root, "go.mod")} {
		sc := bufio.NewScanner(strings.NewReader(readFile(t, f)))
		in := false
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			switch {
			case line == "require (":
				in = true
				continue
			case line == ")":
				in = false
				continue
			case strings.HasPrefix(line, "require "):
				line = strings.TrimPrefix(line, "require ")
			case !in:
				continue
			}
			mod, _, _ := strings.Cut(line, " ")
			if mod == "" || strings.HasPrefix(mod, "github.com/routigen/routigen") || seen[mod] {
				continue
			}
			seen[mod] = true
			b.WriteString("\t" + strings.TrimSuffix(line, " // indirect") + " // indirect\n")
		}
	}
	b.WriteString(")\n\nreplace github.com/routigen/routigen => " + filepath.ToSlash(root) + "\n")
	b.WriteString("\nreplace github.com/routigen/routigen/jetstream => " + filepath.ToSlash(filepath.Join(root, "jetstream")) + "\n")
	return b.String()
}

func goCmd(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

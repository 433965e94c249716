package synth

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := FindRepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// goCmd runs the go command in dir and fails the test with its output on
// error.
func goCmd(t testing.TB, dir string, args ...string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	cmd := exec.Command(gobin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly", "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

func sameFiles(t *testing.T, a, b []File) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("file %d differs between runs: %s vs %s", i, a[i].Path, b[i].Path)
		}
	}
}

func TestStatePackageDeterministic(t *testing.T) {
	opt := StateOptions{Structs: 120, PerFile: 25, RepoRoot: repoRoot(t), Accessors: true}
	a, err := StatePackage(opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := StatePackage(opt)
	if err != nil {
		t.Fatal(err)
	}
	sameFiles(t, a, b)
	// go.mod, go.sum, doc.go, types.go, and 5 state + 5 access files.
	if len(a) != 14 {
		t.Errorf("got %d files, want 14", len(a))
	}
	var src bytes.Buffer
	for _, f := range a {
		src.Write(f.Data)
	}
	s := src.String()
	for _, want := range []string{
		"//routigen:state scope=job\n", "//routigen:state scope=worker\n", " shared", " key=synth.k",
		"[]string\n", "map[string][]string\n", "time.Time\n", " Point\n", "\tOrigin\n", "note ",
		"`routigen:\"-\"`", "struct {\n\t\tAttempts", "State00119Of(ctx)",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if n := strings.Count(s, "//routigen:state "); n != 120 {
		t.Errorf("%d directives, want 120", n)
	}
}

func TestModuleDeterministic(t *testing.T) {
	opt := ModuleOptions{Packages: 30, RepoRoot: repoRoot(t), Accessors: true}
	a, err := Module(opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Module(opt)
	if err != nil {
		t.Fatal(err)
	}
	sameFiles(t, a, b)
	pkgs := map[string]bool{}
	for _, f := range a {
		if dir, _, ok := strings.Cut(f.Path, "/"); ok {
			pkgs[dir] = true
		}
	}
	if len(pkgs) != 30 || !pkgs["p000"] || !pkgs["p029"] {
		t.Errorf("packages %v, want p000..p029", pkgs)
	}
}

func TestGoMod(t *testing.T) {
	root := repoRoot(t)
	files, err := moduleFiles("example.com/x", root)
	if err != nil {
		t.Fatal(err)
	}
	mod := string(files[0].Data)
	for _, want := range []string{
		"module example.com/x\n",
		"require github.com/routigen/routigen v0.0.0-00010101000000-000000000000\n",
		"\tgolang.org/x/tools v0.52.0 // indirect\n",
		"replace github.com/routigen/routigen => " + filepath.ToSlash(root) + "\n",
	} {
		if !strings.Contains(mod, want) {
			t.Errorf("go.mod lacks %q:\n%s", want, mod)
		}
	}
	if _, err := moduleFiles("example.com/x", "relative"); err == nil {
		t.Error("relative RepoRoot accepted")
	}
}

func TestStatePackageBuilds(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the go command")
	}
	dir := t.TempDir()
	files, err := StatePackage(StateOptions{Structs: 40, PerFile: 15, RepoRoot: repoRoot(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	goCmd(t, dir, "build", "./...")
}

func TestModuleBuilds(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the go command")
	}
	dir := t.TempDir()
	files, err := Module(ModuleOptions{Packages: 7, RepoRoot: repoRoot(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	// Plain vet type-checks the tests too and must have nothing to say:
	// the flagged code is only flagged by routigen's checks.
	goCmd(t, dir, "vet", "./...")
}

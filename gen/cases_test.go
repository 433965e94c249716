package gen_test

import (
	"bytes"
	"context"
	"flag"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/gen/gentest"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/gen")

const updateHint = "run go test ./gen -run TestCases -update to accept"

// TestCases runs every case directory of testdata/gen:
//
//	input/   the module's files (a go.mod is added: module example.com/CASE)
//	want/    every routigen_gen.go and routigen.manifest expected after
//	         the run, by path
//	errors   the expected errors, one a line ("" or absent: none)
//	args     the patterns, one a line (absent: ./...)
//	goos     the GOOS or GOOS/GOARCH values to vet the result for
//	         (absent: the host's)
//
// The run commits its result; the test then compares the whole tree: files
// of input/ other than routigen_gen.go and routigen.manifest must be
// untouched, and those must be exactly the files of want/. Cases without
// errors must also pass go vet with the generated code, and go test when
// they have tests.
func TestCases(t *testing.T) {
	root := filepath.Join(gentest.RepoRoot(t), "testdata", "gen")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			runCase(t, filepath.Join(root, e.Name()))
		})
	}
}

func runCase(t *testing.T, caseDir string) {
	name := filepath.Base(caseDir)
	input := gentest.ReadTree(t, filepath.Join(caseDir, "input"))
	dir := gentest.NewModule(t, "example.com/"+name, input)
	patterns := []string{"./..."}
	if b, err := os.ReadFile(filepath.Join(caseDir, "args")); err == nil {
		patterns = strings.Fields(string(b))
	}

	res, err := gen.Generate(context.Background(), gen.Config{Dir: dir}, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for _, e := range res.Errs() {
		got.WriteString(strings.ReplaceAll(e.Error(), dir+string(filepath.Separator), "") + "\n")
	}
	if _, err := res.Commit(); err != nil {
		t.Fatal(err)
	}
	after := gentest.ReadTree(t, dir)
	gotGen := map[string][]byte{}
	for p, b := range after {
		if base := filepath.Base(p); base == gen.FileName || base == gen.ManifestName {
			gotGen[p] = b
		} else if p != "go.mod" && p != "go.sum" && !bytes.Equal(b, input[p]) {
			t.Errorf("%s changed; routigen must only touch %s and %s", p, gen.FileName, gen.ManifestName)
		}
	}

	for p, b := range gotGen {
		if filepath.Base(p) != gen.FileName {
			continue
		}
		if f, err := format.Source(b); err != nil || !bytes.Equal(f, b) {
			t.Errorf("%s is not gofmt-clean (err %v):\n%s", p, err, gen.UnifiedDiff("got/"+p, "gofmt/"+p, string(b), string(f)))
		}
	}

	wantDir := filepath.Join(caseDir, "want")
	errFile := filepath.Join(caseDir, "errors")
	if *update {
		os.RemoveAll(wantDir)
		for p, b := range gotGen {
			dst := filepath.Join(wantDir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if got.Len() > 0 {
			os.WriteFile(errFile, []byte(got.String()), 0o644)
		} else {
			os.Remove(errFile)
		}
		return
	}

	want := map[string][]byte{}
	if _, err := os.Stat(wantDir); err == nil {
		want = gentest.ReadTree(t, wantDir)
	}
	for _, p := range sortedKeys(want, gotGen) {
		w, inWant := want[p]
		g, inGot := gotGen[p]
		switch {
		case !inGot:
			t.Errorf("%s: want a generated file, got none (%s)", p, updateHint)
		case !inWant:
			t.Errorf("%s: unexpected file:\n%s\n(%s)", p, g, updateHint)
		case !bytes.Equal(w, g):
			t.Errorf("%s differs from the golden file (-want +got):\n%s\n%s", p, gen.UnifiedDiff("want/"+p, "got/"+p, string(w), string(g)), updateHint)
		}
	}
	wantErrs, _ := os.ReadFile(errFile)
	if got.String() != string(wantErrs) {
		t.Errorf("errors differ (-want +got):\n%s\n%s", gen.UnifiedDiff("want", "got", string(wantErrs), got.String()), updateHint)
	}

	if got.Len() == 0 && len(gotGen) > 0 && !testing.Short() {
		checkBuilds(t, caseDir, dir, input)
	}
}

func sortedKeys(ms ...map[string][]byte) []string {
	var keys []string
	for _, m := range ms {
		for k := range m {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// checkBuilds vets the module of a case with its generated code, for the
// build configurations a case names in its goos file (one GOOS a line;
// default: the host's), and runs the tests of a case that has some: the
// generated code must compile and work, not just match its golden file.
func checkBuilds(t *testing.T, caseDir, dir string, input map[string][]byte) {
	t.Helper()
	goos := []string{""}
	if b, err := os.ReadFile(filepath.Join(caseDir, "goos")); err == nil {
		goos = strings.Fields(string(b))
	}
	for _, g := range goos {
		cmd := exec.Command("go", "vet", "./...")
		cmd.Dir = dir
		if g != "" {
			goos, goarch, _ := strings.Cut(g, "/")
			cmd.Env = append(os.Environ(), "GOOS="+goos)
			if goarch != "" {
				cmd.Env = append(cmd.Env, "GOARCH="+goarch)
			}
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s go vet of the generated code: %v\n%s", g, err, out)
		}
	}
	for p := range input {
		if strings.HasSuffix(p, "_test.go") {
			cmd := exec.Command("go", "test", "./...")
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("go test of the generated code: %v\n%s", err, out)
			}
			return
		}
	}
}

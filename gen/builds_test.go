package gen_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/gen/gentest"
)

// TestCgoFile: a cgo file (import "C") is left out of every build with cgo
// off (CGO_ENABLED=0, most cross builds), so a state type declared there,
// or a type a state field names, is a positioned error whether the run has
// cgo on (the loader hands over the file as cgo rewrote it) or off (the
// file is ignored), never a routigen_gen.go that breaks CGO_ENABLED=0.
func TestCgoFile(t *testing.T) {
	files := map[string][]byte{
		"c.go": []byte(`package p

// #include <stdlib.h>
import "C"

//routigen:state scope=job
type InCgo struct{ N []int }

type fromCgo struct{ M []int }
`),
		"p.go": []byte(`package p

//routigen:state scope=job
type Plain struct{ F fromCgo }
`),
	}
	for _, cgo := range []string{"1", "0"} {
		t.Run("CGO_ENABLED="+cgo, func(t *testing.T) {
			if cgo == "1" {
				out, err := exec.Command("go", "env", "CC").Output()
				if _, lerr := exec.LookPath(strings.TrimSpace(string(out))); err != nil || lerr != nil {
					t.Skip("no C compiler")
				}
			}
			dir := gentest.NewModule(t, "example.com/cgo", files)
			cfg := gen.Config{Dir: dir, Env: append(os.Environ(), "CGO_ENABLED="+cgo)}
			res, err := gen.Generate(context.Background(), cfg, "./...")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range res.Errs() {
				got = append(got, strings.TrimPrefix(e.Error(), dir+string(filepath.Separator)))
			}
			want := map[string]string{
				"c.go:6:1:": `state type InCgo is declared in a file`,
				"p.go:4:":   `field F of Plain: type fromCgo is declared in a file with a build constraint (import "C" (cgo))`,
			}
			if cgo == "0" {
				// The file is not loaded: its types are undefined.
				want["p.go:4:"] = "undefined: fromCgo"
			}
			for pos, msg := range want {
				found := false
				for _, g := range got {
					found = found || strings.HasPrefix(g, pos) && strings.Contains(g, msg)
				}
				if !found {
					t.Errorf("want an error at %s with %q, got:\n%s", pos, msg, strings.Join(got, "\n"))
				}
			}
			for _, g := range got {
				if strings.HasPrefix(g, "c.go:6:1:") && !strings.Contains(g, `import "C" (cgo)`) {
					t.Errorf("the error does not name the cgo constraint: %s", g)
				}
			}
			if ch, err := res.Commit(); err != nil || len(ch) != 0 {
				t.Errorf("Commit = %v, %v; want nothing written", ch, err)
			}
			if _, err := os.Stat(filepath.Join(dir, gen.FileName)); err == nil {
				t.Errorf("%s written despite the errors", gen.FileName)
			}
		})
	}
}

// TestStdTypeDeclaredPerBuild: syscall.SysProcAttr is declared once per
// GOOS with other fields in each; a copy that selects the fields of this
// build's would break the others, so a field of that type is an error.
// Export data names the file under $GOROOT, which the run resolves.
func TestStdTypeDeclaredPerBuild(t *testing.T) {
	dir := gentest.NewModule(t, "example.com/std", map[string][]byte{
		"p.go": []byte("package p\n\nimport \"syscall\"\n\n//routigen:state scope=job\ntype S struct {\n\tAttr syscall.SysProcAttr\n}\n"),
	})
	res := generate(t, dir)
	errs := res.Errs()
	want := "p.go:7:2: routigen: field Attr of S: type syscall.SysProcAttr is declared in a file with a build constraint ("
	if len(errs) != 1 || !strings.HasPrefix(strings.TrimPrefix(errs[0].Error(), dir+string(filepath.Separator)), want) {
		t.Fatalf("errors %v, want one starting %q", errs, want)
	}
}

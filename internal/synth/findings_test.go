package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/routigen/routigen/analyzer"
	"github.com/routigen/routigen/gen"
)

// TestModuleFindings runs `go vet -vettool=routigen -json` over a small
// synthetic module and checks that every check of analyzer.All reports what
// the flagged packages carry (Findings) and nothing in the others: the
// vet benchmark's input exercises each check, and its correct code is not
// flagged.
func TestModuleFindings(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds routigen and runs go vet")
	}
	root := repoRoot(t)
	dir := t.TempDir()
	const m = 4
	files, err := Module(ModuleOptions{Packages: m, RepoRoot: root, Accessors: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(dir, "mod"), files); err != nil {
		t.Fatal(err)
	}
	mod := filepath.Join(dir, "mod")
	r, err := gen.Generate(context.Background(), gen.Config{Dir: mod}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	changes, err := r.Commit()
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2*m { // routigen_gen.go and routigen.manifest per package
		t.Fatalf("routigen wrote %d files, want %d", len(changes), 2*m)
	}
	for _, c := range changes {
		if !strings.HasPrefix(c.File, mod+string(filepath.Separator)) {
			t.Errorf("routigen wrote %s, outside the module", c.File)
		}
	}
	tool := filepath.Join(dir, "routigen")
	goCmd(t, root, "build", "-o", tool, "./cmd/routigen")
	out := goCmd(t, mod, "vet", "-vettool="+tool, "-json", "./...")

	// got[check][package] counts diagnostics.
	got := map[string]map[string]int{}
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var unit map[string]map[string]json.RawMessage
		err := dec.Decode(&unit)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// The go command interleaves "# pkg" lines; skip one line.
			rest, _ := io.ReadAll(dec.Buffered())
			_, after, ok := bytes.Cut(rest, []byte("\n"))
			if !ok || !bytes.HasPrefix(rest, []byte("#")) {
				t.Fatalf("go vet -json: %v\n%s", err, out)
			}
			dec = json.NewDecoder(bytes.NewReader(after))
			continue
		}
		for pkg, checks := range unit {
			for check, raw := range checks {
				var diags []json.RawMessage
				if err := json.Unmarshal(raw, &diags); err != nil {
					t.Errorf("%s: %s: %s", pkg, check, raw)
					continue
				}
				if got[check] == nil {
					got[check] = map[string]int{}
				}
				got[check][pkg[strings.LastIndex(pkg, "/")+1:]] += len(diags)
			}
		}
	}
	extra := map[string]int{"nilfallback": 1, "lostupdate": 1} // access.go's CountRacy
	var checked []string
	for _, a := range analyzer.All() {
		want, ok := Findings[a.Name]
		if !ok {
			continue
		}
		checked = append(checked, a.Name)
		for i := range m {
			pkg := "p00" + string(rune('0'+i))
			w := 0
			if Flagged(i) {
				w = want + extra[a.Name]
			}
			if g := got[a.Name][pkg]; g != w {
				t.Errorf("%s: %s reported %d, want %d", pkg, a.Name, g, w)
			}
		}
	}
	sort.Strings(checked)
	if t.Failed() {
		t.Logf("checked %v; go vet -json printed:\n%s", checked, out)
	}
}

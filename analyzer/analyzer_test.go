package analyzer_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/routigen/routigen/analyzer"
	"github.com/routigen/routigen/analyzer/internal/suppress"
)

func TestAll(t *testing.T) {
	as := analyzer.All()
	if err := analysis.Validate(as); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range as {
		names = append(names, a.Name)
		// A one-line summary, then a blank line (x/tools style: "name: summary").
		summary, rest, _ := strings.Cut(a.Doc, "\n")
		summary = strings.TrimPrefix(summary, a.Name+": ")
		if len(summary) < 10 || !strings.HasPrefix(rest, "\n") {
			t.Errorf("%s: Doc must start with a one-line summary and a blank line, got %q", a.Name, a.Doc[:min(len(a.Doc), 120)])
		}
		for _, s := range []string{"Bad", "Good", "//routigen:ignore " + a.Name} {
			if !strings.Contains(a.Doc, s) {
				t.Errorf("%s: Doc lacks %q", a.Name, s)
			}
		}
		anchor, ok := strings.CutPrefix(a.URL, "https://github.com/routigen/routigen#")
		if !ok || !bytes.Contains(readme, []byte(`<a id="`+anchor+`"></a>`)) {
			t.Errorf("%s: URL %q does not point to an anchor of README.md", a.Name, a.URL)
		}
	}
	// The suppression helper knows every check, in the same order.
	var known []string
	for _, c := range suppress.Checks {
		if slices.Contains(names, c) {
			known = append(known, c)
		}
	}
	if !slices.Equal(known, names) {
		t.Errorf("All() = %v, not in the order of suppress.Checks %v", names, suppress.Checks)
	}
}

// TestStubs checks that the test stubs of the runtime of jobdata, workerkey
// and lostupdate are the one in analyzer/internal/testdata/stub.
func TestStubs(t *testing.T) {
	want, err := os.ReadFile("internal/testdata/stub/runtime.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, check := range []string{"jobdata", "workerkey", "lostupdate", "golangci"} {
		c := filepath.Join(check, "testdata/src/github.com/routigen/routigen/runtime/runtime.go")
		got, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from internal/testdata/stub/runtime.go; copy it again", c)
		}
	}
}

package jobdata_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/routigen/routigen/analyzer/internal/proptest"
	"github.com/routigen/routigen/analyzer/jobdata"
)

// writes into a map m: each is reported when m is a Data() or Metadata()
// copy.
var writes = []string{
	`m["k"] = 1`,
	`m["k"] = m["j"]`,
	`delete(m, "k")`,
	"clear(m)",
	"maps.Copy(m, runtime.Message{})",
	"maps.DeleteFunc(m, func(string, any) bool { return true })",
	"maps.Insert(m, maps.All(runtime.Message{}))",
}

// reads of a map m: none is reported, whatever m is.
var reads = []string{
	`_ = m["k"]`,
	"for k, v := range m { _, _ = k, v }",
	"_ = len(m)",
	"out := runtime.Message{}; maps.Copy(out, m); out[\"x\"] = 1",
	"c := maps.Clone(m); c[\"x\"] = 1",
	`if v, ok := m["k"]; ok { _ = v }`,
	"_ = fmt.Sprint(m)",
}

// shape places the statement s on a map m obtained from the copy src
// (job.Data() or job.Metadata()) in a function body.
var shapes = map[string]func(src, s string) string{
	"plain":   func(src, s string) string { return fmt.Sprintf("m := %s\n\t%s", src, s) },
	"loop":    func(src, s string) string { return fmt.Sprintf("for range 2 {\n\t\tm := %s\n\t\t%s\n\t}", src, s) },
	"closure": func(src, s string) string { return fmt.Sprintf("m := %s\n\tfunc() {\n\t\t%s\n\t}()", src, s) },
	"defer":   func(src, s string) string { return fmt.Sprintf("m := %s\n\tdefer func() {\n\t\t%s\n\t}()", src, s) },
	"structField": func(src, s string) string {
		return fmt.Sprintf("b := holder{m: %s}\n\tm := b.m\n\t%s", src, s)
	},
	"sliceElem": func(src, s string) string {
		return fmt.Sprintf("ms := []runtime.Message{%s}\n\tm := ms[0]\n\t%s", src, s)
	},
	"helper": func(src, s string) string {
		return fmt.Sprintf("m := same(%s)\n\t%s", src, s)
	},
	"reassignedFrom": func(src, s string) string {
		return fmt.Sprintf("var m runtime.Message\n\tm = %s\n\t%s", src, s)
	},
}

// TestProperty: in every shape, a write into a copy Data() or Metadata()
// returns is reported once, and a read never (SPEC §4).
func TestProperty(t *testing.T) {
	var b strings.Builder
	b.WriteString(`package prop

import (
	"fmt"
	"maps"

	"github.com/routigen/routigen/runtime"
)

type holder struct{ m runtime.Message }

func same(m runtime.Message) runtime.Message { return m }

var _, _ = fmt.Sprint, maps.Clone[runtime.Message]
`)
	n, want := 0, 0
	for _, name := range slices.Sorted(maps.Keys(shapes)) {
		sh := shapes[name]
		for si, src := range []string{"job.Data()", "job.Metadata()"} {
			for wi, w := range writes {
				body := sh(src, w)
				// The diagnostic is at the write: the last line of w's first
				// statement that writes, which the shapes keep on one line.
				lines := strings.Split(body, "\n")
				for i := len(lines) - 1; i >= 0; i-- {
					if strings.Contains(lines[i], w) {
						lines[i] += " // want `jobdata: `"
						break
					}
				}
				fmt.Fprintf(&b, "\nfunc %sWrites%d_%d(job *runtime.JobContext) {\n\t%s\n}\n", name, si, wi, strings.Join(lines, "\n"))
				want++
			}
			for ri, r := range reads {
				fmt.Fprintf(&b, "\nfunc %sReads%d_%d(job *runtime.JobContext) {\n\t%s\n}\n", name, si, ri, sh(src, r))
				n++
			}
		}
	}
	got := proptest.Diagnostics(t, jobdata.Analyzer, b.String(), "github.com")
	if got != want {
		t.Errorf("%d diagnostics over %d writing and %d reading functions, want %d", got, want, n, want)
	}
}

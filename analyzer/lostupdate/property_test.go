package lostupdate_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/routigen/routigen/analyzer/internal/proptest"
	"github.com/routigen/routigen/analyzer/lostupdate"
)

// stateKind is a state type of the testdata package state, with the field
// the generated statements read and write.
type stateKind struct {
	typ, field string
	concurrent bool // worker scope or shared: its splits are reported
}

var stateKinds = []stateKind{
	{"Counter", "Count", true},
	{"Session", "Hits", true},
	{"Loop", "Iteration", false},
}

// splits are read-modify-writes split into a read and a write; @W marks
// the line of the write, where the diagnostic is. T is the state type, F
// the field.
var splits = []string{
	"c.SetF(c.F() + n) @W",
	"v := c.F()\nc.SetF(v * 2) @W",
	"x := c.Load()\nx.F++\nc.Store(x) @W",
	"c.SetF(max(c.F(), n)) @W",
	"c.Store(state.T{F: c.F() + 1}) @W",
}

// atomic statements: none is reported.
var atomic = []string{
	"c.Update(func(s *state.T) { s.F += n })",
	"if c.F() > n {\nc.SetF(n)\n}",
	"old := c.F()\nc.SetF(n)\n_ = old",
	"c.SetF(n)",
	"x := c.Load()\n_ = x\nc.Store(state.T{})",
	"_ = c.F() + n",
}

// shapes place statements s on an accessor c in a function body.
var shapes = map[string]func(of, s string) string{
	"plain": func(of, s string) string {
		return fmt.Sprintf("c, err := state.%s(ctx)\nif err != nil {\nreturn err\n}\n%s\nreturn nil", of, s)
	},
	"loop": func(of, s string) string {
		return fmt.Sprintf("for range n {\nc, err := state.%s(ctx)\nif err != nil {\nreturn err\n}\n%s\n}\nreturn nil", of, s)
	},
	"closure": func(of, s string) string {
		return fmt.Sprintf("c, err := state.%s(ctx)\nif err != nil {\nreturn err\n}\nfunc() {\n%s\n}()\nreturn nil", of, s)
	},
	"deferred": func(of, s string) string {
		return fmt.Sprintf("c, err := state.%s(ctx)\nif err != nil {\nreturn err\n}\ndefer func() {\n%s\n}()\nreturn nil", of, s)
	},
	"goroutine": func(of, s string) string {
		return fmt.Sprintf("c, err := state.%s(ctx)\nif err != nil {\nreturn err\n}\ndone := make(chan struct{})\ngo func() {\ndefer close(done)\n%s\n}()\n<-done\nreturn nil", of, s)
	},
	"twoLookups": func(of, s string) string {
		// Two calls of TOf with one context are the same accessor.
		s = strings.Replace(s, "c.Set", "d.Set", 1)
		s = strings.Replace(s, "c.Store", "d.Store", 1)
		s = strings.Replace(s, "c.Update", "d.Update", 1)
		return fmt.Sprintf("c, err := state.%[1]s(ctx)\nif err != nil {\nreturn err\n}\nd, err := state.%[1]s(ctx)\nif err != nil {\nreturn err\n}\n_, _ = c, d\n%[2]s\nreturn nil", of, s)
	},
}

// TestProperty: in every shape, a split read-modify-write on state that
// concurrent activations share is reported once, at the write; on
// per-job state, and any atomic or control-only statement, never.
func TestProperty(t *testing.T) {
	var b strings.Builder
	b.WriteString("package prop\n\nimport (\n\t\"context\"\n\n\t\"state\"\n)\n")
	want, none := 0, 0
	for _, name := range slices.Sorted(maps.Keys(shapes)) {
		sh := shapes[name]
		for ki, k := range stateKinds {
			fill := func(s string) string {
				s = strings.ReplaceAll(s, "state.T", "state."+k.typ)
				s = strings.ReplaceAll(s, "SetF", "Set"+k.field)
				s = strings.ReplaceAll(s, "c.F()", "c."+k.field+"()")
				s = strings.ReplaceAll(s, "x.F", "x."+k.field)
				s = strings.ReplaceAll(s, "s.F", "s."+k.field)
				return strings.ReplaceAll(s, "{F:", "{"+k.field+":")
			}
			for i, s := range splits {
				mark := ""
				if k.concurrent {
					mark = " // want `lostupdate: `"
					want++
				} else {
					none++
				}
				body := strings.ReplaceAll(sh(k.typ+"Of", fill(s)), " @W", mark)
				fmt.Fprintf(&b, "\nfunc %sSplit%d_%d(ctx context.Context, n int) error {\n%s\n}\n", name, ki, i, body)
			}
			for i, s := range atomic {
				fmt.Fprintf(&b, "\nfunc %sAtomic%d_%d(ctx context.Context, n int) error {\n%s\n}\n", name, ki, i, sh(k.typ+"Of", fill(s)))
				none++
			}
		}
	}
	got := proptest.Diagnostics(t, lostupdate.Analyzer, b.String(), "github.com", "state")
	if got != want {
		t.Errorf("%d diagnostics over %d splits on shared state and %d other functions, want %d", got, want, none, want)
	}
}

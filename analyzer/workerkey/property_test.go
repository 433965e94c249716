package workerkey_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/routigen/routigen/analyzer/internal/proptest"
	"github.com/routigen/routigen/analyzer/workerkey"
)

// key is a key expression K and the statements that set it up.
type key struct{ setup, expr string }

// constant keys: each is reported.
var constant = []key{
	{"", `"cache"`},
	{"", "keyConst"},
	{"", `"loop" + "_state"`},
	{"", `prefix + "x"`},
	{`k := "local"`, "k"},
	{"var k string\nif n > 0 {\nk = \"a\"\n} else {\nk = \"b\"\n}", "k"},
}

// computed keys: none is reported.
var computed = []key{
	{"", "ec.RoutineID"},
	{"", `ec.RoutineID + "/cache"`},
	{"", `fmt.Sprintf("%s:%d", ec.RoutineID, n)`},
	{`k := "fallback"` + "\nif n > 0 {\nk = ec.RoutineID\n}", "k"},
	{"", "pkgKey"},
	{"id := ec.RoutineID", "id"},
}

// calls use the key K on the worker w.
var calls = []string{
	"_ = w.RoutineState(K)",
	"w.UpdateRoutineState(K, nil)",
	"w.ModifyRoutineState(K, func(runtime.Message) {})",
}

// shapes place the key's setup and a call (the line to report) in a
// function body.
var shapes = map[string]func(setup, call string) string{
	"plain": func(setup, call string) string { return setup + "\n" + call },
	"closure": func(setup, call string) string {
		return setup + "\nfunc() {\n" + call + "\n}()"
	},
	"loop": func(setup, call string) string {
		return "for range n {\n" + setup + "\n" + call + "\n}"
	},
	"deferred": func(setup, call string) string {
		return setup + "\ndefer func() {\n" + call + "\n}()"
	},
	"methodValue": func(setup, call string) string {
		call = strings.Replace(call, "w.RoutineState(", "get(", 1)
		call = strings.Replace(call, "w.UpdateRoutineState(", "update(", 1)
		call = strings.Replace(call, "w.ModifyRoutineState(", "modify(", 1)
		return "get, update, modify := w.RoutineState, w.UpdateRoutineState, w.ModifyRoutineState\n_, _, _ = get, update, modify\n" + setup + "\n" + call
	},
}

// TestProperty: in every shape and for every method, a constant key is
// reported once, at the call, and a computed one never.
func TestProperty(t *testing.T) {
	var b strings.Builder
	b.WriteString(`package prop

import (
	"fmt"

	"github.com/routigen/routigen/runtime"
)

const (
	keyConst = "shared"
	prefix   = "p_"
)

var pkgKey = "set at start-up"

var _ = fmt.Sprint
`)
	want, none := 0, 0
	for _, name := range slices.Sorted(maps.Keys(shapes)) {
		sh := shapes[name]
		for ci, call := range calls {
			for ki, k := range constant {
				body := sh(k.setup, strings.Replace(call, "K", k.expr, 1)+" // want `workerkey: `")
				fmt.Fprintf(&b, "\nfunc %sConst%d_%d(w *runtime.WorkerState, ec *runtime.ExecContext, n int) {\n%s\n}\n", name, ci, ki, body)
				want++
			}
			for ki, k := range computed {
				body := sh(k.setup, strings.Replace(call, "K", k.expr, 1))
				fmt.Fprintf(&b, "\nfunc %sComputed%d_%d(w *runtime.WorkerState, ec *runtime.ExecContext, n int) {\n%s\n}\n", name, ci, ki, body)
				none++
			}
		}
	}
	got := proptest.Diagnostics(t, workerkey.Analyzer, b.String(), "github.com")
	if got != want {
		t.Errorf("%d diagnostics over %d constant and %d computed keys, want %d", got, want, none, want)
	}
}

package nilfallback_test

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/routigen/routigen/analyzer/internal/proptest"
	"github.com/routigen/routigen/analyzer/nilfallback"
)

// lookupKind is one kind of lookup as the generated functions write it.
type lookupKind struct {
	decl    string // the lookup, declaring its results
	initOf  string // the lookup as an if statement's init (if-init shape)
	missing string // the test of its missing case
	err     string // an expression for its error in the missing case
	use     string // a use of its value
}

var lookupKinds = []lookupKind{
	{"job, e := runtime.RequireJob(ctx)", "job, e := runtime.RequireJob(ctx)", "e != nil", "e", `job.Trace("r", "a", nil)`},
	{"job, ok := runtime.JobFromContext(ctx)", "job, ok := runtime.JobFromContext(ctx)", "!ok", "runtime.ErrNoJob", `job.Trace("r", "a", nil)`},
	{"ec, ok := runtime.ExecFromContext(ctx)", "ec, ok := runtime.ExecFromContext(ctx)", "!ok", "runtime.ErrNoRoutine", `ec.Job.Trace(ec.RoutineID, "a", nil)`},
	{"l, e := states.LoopStateOf(ctx)", "l, e := states.LoopStateOf(ctx)", "e != nil", "e", "l.SetIteration(1)"},
	{`c, e := runtime.JobCell[int](ctx, "n", runtime.PerRoutine)`, `c, e := runtime.JobCell[int](ctx, "n", runtime.PerRoutine)`, "e != nil", "e", "c.Update(func(n *int) { *n++ })"},
	{`w, e := runtime.WorkerCell(ctx, "n", runtime.PerFlow, runtime.StateCodec[int]{})`, `w, e := runtime.WorkerCell(ctx, "n", runtime.PerFlow, runtime.StateCodec[int]{})`, "e != nil", "e", "w.Update(func(n *int) { *n++ })"},
}

// failing handlers of the missing case: every one fails. $E stands for
// the lookup's error.
var failing = []string{
	"return $E",
	`return fmt.Errorf("prop: %w", $E)`,
	"return errProp",
	"panic($E)",
	`log.Fatalf("prop: %v", $E)`,
	"os.Exit(1)",
	"return errors.Join(errProp, $E)",
	"return &propErr{$E}",
	`return statusf(13, "prop: %v", $E)`,
	"return wrap($E)",
	`out := fmt.Errorf("prop: %w", $E); return out`,
	`if len(fmt.Sprint($E)) > 3 { return errProp }; return errors.New("prop")`,
	"return noState()",
	"goruntime.Goexit()",
	`panic(fmt.Sprintf("prop: %v", $E))`,
}

// fallingBack handlers of the missing case: none fails.
var fallingBack = []string{
	"return nil",
	`log.Print("prop: no state"); return nil`,
	`log.Printf("prop: %v", $E); return nil`,
	"_ = $E",
}

// shape places a lookup (decl; if missing { handler }; use) in a function
// body; the result is the whole function but its name.
type shape func(k lookupKind, handler string) string

var shapes = map[string]shape{
	"plain": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context) error {\n\t%s\n\tif %s {\n\t\t%s\n\t}\n\t%s\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"deferUnlock": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context) error {\n\tmu.Lock()\n\tdefer mu.Unlock()\n\t%s\n\tif %s {\n\t\t%s\n\t}\n\t%s\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"namedDefer": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context) (err error) {\n\tdefer log.Println(\"done\")\n\t%s\n\tif %s {\n\t\t%s\n\t}\n\t%s\n\treturn\n}", k.decl, k.missing, h, k.use)
	},
	"loop": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context, n int) error {\n\tfor range n {\n\t\t%s\n\t\tif %s {\n\t\t\t%s\n\t\t}\n\t\t%s\n\t}\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"labeled": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context, items []string) error {\nouter:\n\tfor _, s := range items {\n\t\tif s == \"\" {\n\t\t\tcontinue outer\n\t\t}\n\t\t%s\n\t\tif %s {\n\t\t\t%s\n\t\t}\n\t\t%s\n\t}\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"selectAfter": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context) error {\n\t%s\n\tif %s {\n\t\t%s\n\t}\n\tselect {\n\tcase <-ctx.Done():\n\t\treturn ctx.Err()\n\tdefault:\n\t}\n\t%s\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"switchCase": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context, c int) error {\n\tswitch c {\n\tcase 1:\n\t\t%s\n\t\tif %s {\n\t\t\t%s\n\t\t}\n\t\t%s\n\t}\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"gotoFail": func(k lookupKind, h string) string {
		if !strings.Contains(h, "return") {
			h += "\n\treturn nil // unreachable: Go does not know os.Exit ends the function"
		}
		return fmt.Sprintf("(ctx context.Context) error {\n\t%s\n\tif %s {\n\t\tgoto fail\n\t}\n\t%s\n\treturn nil\nfail:\n\t%s\n}", k.decl, k.missing, k.use, h)
	},
	"closure": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context) error {\n\treturn func() error {\n\t\t%s\n\t\tif %s {\n\t\t\t%s\n\t\t}\n\t\t%s\n\t\treturn nil\n\t}()\n}", k.decl, k.missing, h, k.use)
	},
	"namedErrAssigned": func(k lookupKind, h string) string {
		// The lookup's error goes straight into the named result, which a
		// function with a defer keeps in a local.
		e := regexp.MustCompile(`\be\b`)
		return fmt.Sprintf("(ctx context.Context) (err error) {\n\tdefer func() {\n\t\tif err != nil {\n\t\t\tlog.Print(err)\n\t\t}\n\t}()\n\t%s\n\tif %s {\n\t\t%s\n\t}\n\t%s\n\treturn nil\n}",
			e.ReplaceAllString(k.decl, "err"), e.ReplaceAllString(k.missing, "err"), e.ReplaceAllString(h, "err"), k.use)
	},
	"elseIf": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context, n int) error {\n\t%s\n\tif n < 0 {\n\t\treturn errProp\n\t} else if %s {\n\t\t%s\n\t} else {\n\t\t%s\n\t}\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"orTest": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context, n int) error {\n\t%s\n\tif n < 0 || %s {\n\t\t%s\n\t}\n\t%s\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"method": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context) error {\n\t%s\n\tif %s {\n\t\t%s\n\t}\n\t%s\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"generic": func(k lookupKind, h string) string {
		return fmt.Sprintf("[T any](ctx context.Context, v T) error {\n\t%s\n\tif %s {\n\t\t%s\n\t}\n\t%s\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"afterCheckedLookup": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context) error {\n\tif _, err := runtime.RequireExec(ctx); err != nil {\n\t\treturn err\n\t}\n\t%s\n\tif %s {\n\t\t%s\n\t}\n\t%s\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"breakLoop": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context) error {\nloop:\n\tfor {\n\t\t%s\n\t\tif %s {\n\t\t\t%s\n\t\t}\n\t\t%s\n\t\tbreak loop\n\t}\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"typeSwitchAfter": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context, v any) error {\n\t%s\n\tif %s {\n\t\t%s\n\t}\n\tswitch x := v.(type) {\n\tcase int:\n\t\t_ = x + 1\n\tcase error:\n\t\treturn x\n\t}\n\t%s\n\treturn nil\n}", k.decl, k.missing, h, k.use)
	},
	"namedErrReturned": func(k lookupKind, h string) string {
		e := regexp.MustCompile(`\be\b`)
		return fmt.Sprintf("(ctx context.Context) (err error) {\n\tdefer log.Println(\"done\")\n\t%s\n\tif %s {\n\t\t%s\n\t}\n\t%s\n\treturn err\n}",
			e.ReplaceAllString(k.decl, "err"), e.ReplaceAllString(k.missing, "err"), e.ReplaceAllString(h, "err"), k.use)
	},
	"ifInit": func(k lookupKind, h string) string {
		return fmt.Sprintf("(ctx context.Context) error {\n\tif %s; %s {\n\t\t%s\n\t} else {\n\t\t%s\n\t}\n\treturn nil\n}", k.initOf, k.missing, h, k.use)
	},
}

// TestProperty: in every shape (defers, named results, loops, labels,
// select, switch, goto, closures, if-init) and for every kind of lookup, a
// missing case that fails is never reported, and one that falls back is
// reported once, at the lookup (SPEC §4: precision, whatever else the
// function holds).
func TestProperty(t *testing.T) {
	var b strings.Builder
	b.WriteString(`package prop

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	goruntime "runtime"
	"sync"

	"github.com/routigen/routigen/runtime"

	"states"
)

var (
	mu      sync.Mutex
	errProp = errors.New("prop: no state")
)

type propErr struct{ err error }

func (e *propErr) Error() string { return "prop: " + e.err.Error() }

type svc struct{}

// statusf is gRPC's status.Errorf in shape: nil for code 0.
func statusf(code int, format string, args ...any) error {
	if code == 0 {
		return nil
	}
	return fmt.Errorf(format, args...)
}

// wrap returns nil for nil, as errors.Wrap-style helpers do.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	return &propErr{err}
}

var _, _, _, _, _ = fmt.Errorf, log.Print, os.Exit, errors.Join, goruntime.Goexit

// noState builds the error for a missing state: it never returns nil.
func noState() error { return fmt.Errorf("prop: %w", errProp) } // want noState:"always returns a non-nil error"
`)
	n, positives := 0, 0
	for _, name := range slices.Sorted(maps.Keys(shapes)) {
		sh := shapes[name]
		for ki, k := range lookupKinds {
			for hi, h := range failing {
				fmt.Fprintf(&b, "\nfunc %s%sFails%d_%d%s\n", recv(name), name, ki, hi, sh(k, strings.ReplaceAll(h, "$E", k.err)))
				n++
			}
			for hi, h := range fallingBack {
				if name == "namedErrReturned" && h == "_ = $E" {
					continue // carrying on reaches return err: it fails
				}
				src := sh(k, strings.ReplaceAll(h, "$E", k.err))
				// The diagnostic is at the lookup: want it on that line.
				line := k.decl
				switch name {
				case "ifInit":
					line = k.initOf + "; " + k.missing + " {"
				case "namedErrAssigned", "namedErrReturned":
					line = regexp.MustCompile(`\be\b`).ReplaceAllString(k.decl, "err")
				}
				src = strings.Replace(src, line, line+" // want `nilfallback: `", 1)
				fmt.Fprintf(&b, "\nfunc %s%sFallsBack%d_%d%s\n", recv(name), name, ki, hi, src)
				positives++
			}
		}
	}
	got := proptest.Diagnostics(t, nilfallback.Analyzer, b.String(), "github.com", "states")
	if got != positives {
		t.Errorf("%d diagnostics over %d failing and %d falling-back functions, want %d", got, n, positives, positives)
	}
}

// recv is the receiver of the generated functions of a shape.
func recv(shape string) string {
	if shape == "method" {
		return "(s *svc) "
	}
	return ""
}

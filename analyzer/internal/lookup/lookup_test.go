package lookup_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"

	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"

	"github.com/routigen/routigen/analyzer/internal/lookup"
	"github.com/routigen/routigen/analyzer/internal/rtapi"
)

const stub = `package runtime

import "context"

type JobContext struct{}
type ExecContext struct{ RoutineID string }

var ErrNoJob error

func JobFromContext(ctx context.Context) (*JobContext, bool) { return nil, false }
func ExecFromContext(ctx context.Context) (*ExecContext, bool) { return nil, false }
func RequireJob(ctx context.Context) (*JobContext, error)    { return nil, ErrNoJob }
`

const src = `package p

import (
	"context"
	"errors"

	"github.com/routigen/routigen/runtime"
)

var errNoJob = errors.New("no job")

func failFast(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return errNoJob
	}
	_ = job
	return nil
}

func fallback(ctx context.Context) error {
	ec, _ := runtime.ExecFromContext(ctx)
	if ec == nil || ec.RoutineID == "" {
		return nil
	}
	return nil
}

func skips(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx)
	if err == nil {
		_ = job
	}
	return nil
}

func wrapped(ctx context.Context) error {
	_, err := runtime.RequireJob(ctx)
	if errors.Is(err, runtime.ErrNoJob) {
		return errors.Join(err)
	}
	return nil
}
`

type imp map[string]*types.Package

var std = importer.ForCompiler(token.NewFileSet(), "source", nil)

func (m imp) Import(path string) (*types.Package, error) {
	if p, ok := m[path]; ok {
		return p, nil
	}
	p, err := std.Import(path)
	if err == nil {
		m[path] = p
	}
	return p, err
}

func build(t *testing.T) *ssa.Package {
	t.Helper()
	fset := token.NewFileSet()
	parse := func(name, s string) *ast.File {
		f, err := parser.ParseFile(fset, name, s, 0)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	m := imp{}
	conf := &types.Config{Importer: m}
	rt, err := conf.Check(rtapi.Path, fset, []*ast.File{parse("rt.go", stub)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m[rtapi.Path] = rt
	pkg, _, err := ssautil.BuildPackage(conf, fset, types.NewPackage("p", "p"), []*ast.File{parse("p.go", src)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

func TestWalk(t *testing.T) {
	pkg := build(t)
	env := &lookup.Env{}
	for _, c := range []struct {
		fn                   string
		missingFails, tested bool
		skips                bool
	}{
		{"failFast", true, false, false},
		{"fallback", false, true, false},
		{"skips", false, true, true},
		{"wrapped", true, false, false},
	} {
		fn := pkg.Func(c.fn)
		ls := env.Find(fn)
		if len(ls) != 1 {
			t.Fatalf("%s: %d lookups", c.fn, len(ls))
		}
		l := ls[0]
		out := env.Walk(fn, l, lookup.Missing)
		if out.Fails != c.missingFails || (len(out.Tests) > 0) != c.tested {
			t.Errorf("%s: missing fails %v tests %d, want %v %v", c.fn, out.Fails, len(out.Tests), c.missingFails, c.tested)
		}
		if c.tested && len(out.Tests) > 0 && l.Skips(out.Tests[0]) != c.skips {
			t.Errorf("%s: skips %v, want %v", c.fn, !c.skips, c.skips)
		}
		if env.Walk(fn, l, lookup.Present).Fails {
			t.Errorf("%s: present case fails", c.fn)
		}
	}
}

func TestCallee(t *testing.T) {
	c := lookup.Callee{Name: "runtime.JobFromContext", Kind: lookup.Job, StatusIndex: 1}
	if got := c.FailFast(); got != "use runtime.RequireJob and return its error" {
		t.Errorf("FailFast %q", got)
	}
	if got := c.Missing(); got != "the job is missing" {
		t.Errorf("Missing %q", got)
	}
}

package gen

import (
	"bytes"
	"errors"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/routigen/routigen/gen/gentest"
)

// fuzzImports are the packages a fuzzed file may import: the runtime the
// generated code calls, and the standard packages of the seeds. Imports of
// anything else fail to type-check, which is fine: the file then only has
// to produce positioned errors.
var fuzzImports = []string{runtimePath, "bytes", "context", "fmt", "io", "maps", "net/url", "slices", "strings", "sync", "sync/atomic", "time"}

var (
	exportOnce  sync.Once
	exportFiles map[string]string
	exportErr   error
)

// exportData returns the export data files of fuzzImports and their
// dependencies, loaded once: one gc importer over them gives every
// fuzzed file, and the generated code, the same packages.
func exportData(tb testing.TB) map[string]string {
	exportOnce.Do(func() {
		cfg := &packages.Config{Mode: packages.NeedName | packages.NeedExportFile | packages.NeedDeps | packages.NeedImports, Dir: gentest.RepoRoot(tb)}
		pkgs, err := packages.Load(cfg, fuzzImports...)
		if err != nil {
			exportErr = err
			return
		}
		exportFiles = map[string]string{}
		packages.Visit(pkgs, nil, func(p *packages.Package) {
			if p.ExportFile != "" {
				exportFiles[p.PkgPath] = p.ExportFile
			}
		})
	})
	if exportErr != nil {
		tb.Fatal(exportErr)
	}
	return exportFiles
}

// FuzzGenerate runs the generator's analysis and rendering on whole
// source files. Whatever the file, nothing panics and every error has a
// message; when routigen accepts it, the generated file is gofmt-clean
// and, type-checked together with the file against the real runtime, has
// no error of its own: routigen never writes broken code. The seed
// corpus (the single-file packages of testdata/gen and a few more) runs
// in every go test.
func FuzzGenerate(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join(gentest.RepoRoot(f), "testdata", "gen", "*", "input", "*.go"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil && !bytes.Contains(b, []byte("example.com/")) && !strings.HasSuffix(s, "_test.go") {
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		"package p\n\ntype R struct{ Kids []R; M map[string]R }\n\n//routigen:state scope=job\ntype S struct{ M map[string]R; A [2][]R }\n",
		"package p\n\n//routigen:state scope=worker shared key=k\ntype S struct{ P *[]int; F func(); C chan []int; I any }\n",
		"package p\n\nimport \"time\"\n\n//routigen:state scope=job\ntype S struct{ T time.Time; D []time.Duration; E struct{ X []int } }\n",
		"package p\n\n//routigen:state scope=job\ntype S struct{ a, b []int; C map[[2]int][]string }\n",
	} {
		f.Add(s)
	}
	files := exportData(f)
	f.Fuzz(func(t *testing.T, src string) {
		fuzzOne(t, files, src)
	})
}

func fuzzOne(t *testing.T, exports map[string]string, src string) {
	dir := t.TempDir()
	name := filepath.Join(dir, "p.go")
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil || file.Name.Name == "_" {
		return // the go command reports syntax errors; nothing to generate
	}
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		if f, ok := exports[path]; ok {
			return os.Open(f)
		}
		return nil, errors.New("not among the fuzz imports")
	})
	const path = "example.com/fuzz/p"
	lp := &packages.Package{ID: path, PkgPath: path, Name: file.Name.Name, Dir: dir, GoFiles: []string{name}, CompiledGoFiles: []string{name}, Fset: fset, Syntax: []*ast.File{file}}
	conf := types.Config{Importer: imp, Error: func(err error) {
		te := err.(types.Error)
		lp.Errors = append(lp.Errors, packages.Error{Pos: te.Fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError})
	}}
	lp.Types, _ = conf.Check(path, fset, []*ast.File{file}, nil)

	res := process([]*packages.Package{lp}, Config{}, nil, func() string { return "" })
	p := res.Packages[0]
	for _, e := range res.Errs() {
		if e.Msg == "" {
			t.Errorf("an error without a message at %s", e.Pos)
		}
	}
	if p.Content == nil {
		return
	}
	if len(p.Errors) > 0 {
		t.Fatalf("content rendered for a package with errors: %v", p.Errors)
	}
	if formatted, err := format.Source(p.Content); err != nil || !bytes.Equal(formatted, p.Content) {
		t.Fatalf("generated code is not gofmt-clean (%v):\n%s", err, p.Content)
	}
	// The input may have type errors routigen ignores (elsewhere than in
	// its state types); the generated file must have none.
	genName := filepath.Join(dir, FileName)
	genFile, err := parser.ParseFile(fset, genName, p.Content, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("generated code does not parse: %v\n%s", err, p.Content)
	}
	var errs []string
	conf.Error = func(err error) {
		if te := err.(types.Error); te.Fset.Position(te.Pos).Filename == genName {
			errs = append(errs, err.Error())
		}
	}
	file2, _ := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	conf.Check(path, fset, []*ast.File{file2, genFile}, nil)
	if len(errs) > 0 {
		t.Fatalf("generated code does not type-check:\n%s\n--- input:\n%s\n--- generated:\n%s", strings.Join(errs, "\n"), src, p.Content)
	}
}

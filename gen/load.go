package gen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// loadMode is the minimal mode: the syntax (for the directives) and types
// (for the fields) of the root packages, and their module (routigen
// writes into the main modules only); dependencies come from export data.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedModule

// load runs one packages.Load for all patterns, with the routigen build tag
// so that generated files (//go:build !routigen) stay out.
//
// In this mode (export data, no dependencies) packages.Load hides a failing
// go command: no go.mod, a go.mod that needs updating and the like give no
// package and no error. An empty load is therefore asked again of the go
// command itself (goList), whose message is the error.
//
// With a render cache, the loader keeps what the cache keys need (compiled
// file names, the import graph, export files, modules and sizes, all of
// which this mode computes anyway: the go command runs exactly as without)
// and parses through the cache, which hashes the bytes it parses.
func load(ctx context.Context, cfg Config, patterns []string, cache *renderCache) ([]*packages.Package, error) {
	lc := &packages.Config{
		Context:    ctx,
		Mode:       loadMode,
		Dir:        cfg.Dir,
		Env:        cfg.Env,
		BuildFlags: buildFlags(cfg),
	}
	lc.ParseFile = parseSource
	if cache != nil {
		lc.Mode |= packages.NeedCompiledGoFiles | packages.NeedImports | packages.NeedExportFile | packages.NeedModule | packages.NeedTypesSizes
		lc.ParseFile = cache.parseFile
	}
	pkgs, err := packages.Load(lc, patterns...)
	if err != nil {
		return nil, fmt.Errorf("routigen: load %s: %w", strings.Join(patterns, " "), err)
	}
	return pkgs, nil
}

// packagePatterns replaces each pattern naming a Go file (a.go, as
// //go:generate go tool routigen $GOFILE passes it) by its directory, once.
// Given files, the go command loads an ad hoc package of those files alone,
// named command-line-arguments: the storage keys would take that name, and
// the state types of the package's other files would lose their accessors.
// One routigen_gen.go serves the whole package, so a file stands for it.
func packagePatterns(dir string, patterns []string) []string {
	out := make([]string, 0, len(patterns))
	seen := map[string]bool{}
	for _, p := range patterns {
		if strings.HasSuffix(p, ".go") {
			path := p
			if !filepath.IsAbs(path) {
				path = filepath.Join(dir, path)
			}
			if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
				switch d := filepath.Dir(p); {
				case filepath.IsAbs(d), d == ".":
					p = d
				default:
					p = "./" + filepath.ToSlash(d)
				}
			}
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// parseSource is the loader's parse (packages.Config.ParseFile), with one
// difference: a routigen_gen.go of ours that does not parse is seen as its
// package clause alone. Files written before the "//go:build !routigen"
// line existed, or edited by hand, are not excluded by the build tag; the
// run replaces them, so their syntax must not stop the load that does it.
func parseSource(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
	f, err := parser.ParseFile(fset, filename, src, parser.AllErrors|parser.ParseComments)
	if err != nil && filepath.Base(filename) == FileName && IsGenerated(src) {
		if clause, cerr := parser.ParseFile(fset, filename, src, parser.PackageClauseOnly); cerr == nil {
			return clause, nil
		}
	}
	return f, err
}

// buildFlags are the go command's flags of a run.
func buildFlags(cfg Config) []string {
	tags := []string{BuildTag}
	for _, t := range cfg.Tags {
		tags = append(tags, strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == ' ' })...)
	}
	return []string{"-tags=" + strings.Join(tags, ",")}
}

// errNoPackages is goList's error when the go command succeeds but lists
// no package.
var errNoPackages = errors.New("matched no packages")

// goList runs `go list -e` over patterns as load does and returns the go
// command's own message when it fails, errNoPackages (with any warning of
// the go command) when it lists nothing, and nil when it lists packages.
func goList(ctx context.Context, cfg Config, patterns []string) error {
	args := append([]string{"list", "-e", "-f", "{{.ImportPath}}"}, buildFlags(cfg)...)
	args = append(append(args, "--"), patterns...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = cfg.Dir
	cmd.Env = cfg.Env
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	msg := strings.TrimSpace(stderr.String())
	what := strings.Join(patterns, " ")
	switch {
	case err != nil && msg != "":
		return fmt.Errorf("routigen: go list %s failed:\n%s", what, msg)
	case err != nil:
		return fmt.Errorf("routigen: go list %s: %w", what, err)
	case strings.TrimSpace(stdout.String()) == "":
		if msg != "" {
			return fmt.Errorf("routigen: %s: %w (%s)", what, errNoPackages, msg)
		}
		return fmt.Errorf("routigen: %s: %w", what, errNoPackages)
	}
	return nil
}

// goEnv returns the go command's value of the environment variable name,
// "" when the command fails.
func goEnv(ctx context.Context, cfg Config, name string) string {
	cmd := exec.CommandContext(ctx, "go", "env", name)
	cmd.Dir = cfg.Dir
	cmd.Env = cfg.Env
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// parsePos turns a packages.Error position ("file:line:col", "file:line",
// "file", "-" or "") into a token.Position.
func parsePos(s string) token.Position {
	if s == "" || s == "-" {
		return token.Position{}
	}
	var p token.Position
	rest := s
	nums := []int{}
	for range 2 {
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		rest = rest[:i]
	}
	p.Filename = rest
	if len(nums) > 0 {
		p.Line = nums[0]
	}
	if len(nums) > 1 {
		p.Column = nums[1]
	}
	return p
}

// explainImports replaces the type checker's "could not import" errors of
// the packages with the go command's own reasons (a module the go.mod does
// not require, a go.sum entry missing, ...), which export-data loading
// hides. Packages the go command says nothing about keep their errors.
func explainImports(ctx context.Context, cfg Config, pkgs []*Package) {
	var paths []string
	for _, p := range pkgs {
		if p.Path != "" && slices.ContainsFunc(p.Errors, func(e *Error) bool { return e.importFail }) {
			paths = append(paths, p.Path)
		}
	}
	if len(paths) == 0 {
		return
	}
	args := append([]string{"list", "-e", "-json=ImportPath,DepsErrors"}, buildFlags(cfg)...)
	cmd := exec.CommandContext(ctx, "go", append(append(args, "--"), paths...)...)
	cmd.Dir, cmd.Env = cfg.Dir, cfg.Env
	out, err := cmd.Output()
	if err != nil {
		return
	}
	base := cfg.Dir
	if base == "" {
		base, _ = os.Getwd()
	}
	reasons := map[string][]*Error{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var lp struct {
			ImportPath string
			DepsErrors []struct{ Pos, Err string }
		}
		if dec.Decode(&lp) != nil {
			break
		}
		for _, e := range lp.DepsErrors {
			pos := parsePos(e.Pos)
			if pos.Filename != "" && !filepath.IsAbs(pos.Filename) {
				pos.Filename = filepath.Join(base, pos.Filename)
			}
			reasons[lp.ImportPath] = append(reasons[lp.ImportPath], &Error{Pos: pos, Msg: e.Err})
		}
	}
	for _, p := range pkgs {
		if r := reasons[p.Path]; len(r) > 0 {
			p.Errors = slices.DeleteFunc(p.Errors, func(e *Error) bool { return e.importFail })
			p.Errors = sortErrors(append(p.Errors, r...))
		}
	}
}

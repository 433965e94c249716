// Package synth generates synthetic Go inputs for routigen's scale
// measurements (SPEC §5, docs/perf/scale.md). It is a test helper, not part
// of the product.
//
// Two shapes:
//
//   - StatePackage: one package with N //routigen:state structs of mixed field
//     types (ints, strings, slices, maps, time values, nested and embedded
//     structs, unexported and `routigen:"-"` fields; job and worker scope,
//     some shared, some with key=) plus plain code using them. The input of
//     the generator benchmark.
//   - Module: a module of M packages importing each other that use
//     github.com/routigen/routigen/runtime, with a mix of correct code and
//     code the checks flag (raw SetData, writes into Data(), constant worker
//     keys, nil-context fallbacks, split read-modify-writes). The input of
//     the go vet benchmark (scripts/vetbench.sh).
//
// Output is deterministic: the same options give byte-identical files, in
// the same order. Every .go file is gofmt-clean. Both shapes come with a
// go.mod that replaces github.com/routigen/routigen with the repository
// root and a go.sum copied from it, so they build offline against the
// working tree.
package synth

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// RoutigenModule is the module path of the repository the inputs use.
const RoutigenModule = "github.com/routigen/routigen"

// File is one generated file. Path is slash-separated and relative to the
// output directory.
type File struct {
	Path string
	Data []byte
}

// Write writes files under dir, creating directories as needed.
func Write(dir string, files []File) error {
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// FindRepoRoot walks up from dir to the directory whose go.mod declares
// module github.com/routigen/routigen, and returns it as an absolute path.
func FindRepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && modulePath(data) == RoutigenModule {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("synth: no go.mod of " + RoutigenModule + " above the given directory")
		}
		dir = parent
	}
}

func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// goDirective returns the version of the go directive of a go.mod.
func goDirective(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "go "); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

// requires returns the "path version" pairs of every require of a go.mod,
// in file order.
func requires(gomod []byte) []string {
	var out []string
	inBlock := false
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		switch {
		case line == "require (":
			inBlock = true
			continue
		case inBlock && line == ")":
			inBlock = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimSpace(strings.TrimPrefix(line, "require "))
		case !inBlock:
			continue
		}
		if f := strings.Fields(line); len(f) == 2 {
			out = append(out, f[0]+" "+f[1])
		}
	}
	return out
}

// moduleFiles returns go.mod and go.sum for a module at modPath that uses
// routigen from the working tree at repoRoot. The repository's own
// requirements are listed (indirect) and its go.sum copied, so the go
// command resolves the module graph from the module cache, offline.
func moduleFiles(modPath, repoRoot string) ([]File, error) {
	if repoRoot == "" {
		return nil, errors.New("synth: RepoRoot is required (see FindRepoRoot)")
	}
	if !filepath.IsAbs(repoRoot) {
		return nil, fmt.Errorf("synth: RepoRoot %q is not absolute", repoRoot)
	}
	gomod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		return nil, err
	}
	if p := modulePath(gomod); p != RoutigenModule {
		return nil, fmt.Errorf("synth: %s/go.mod declares module %q, not %s", repoRoot, p, RoutigenModule)
	}
	gosum, err := os.ReadFile(filepath.Join(repoRoot, "go.sum"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	goVersion := goDirective(gomod)
	if goVersion == "" {
		goVersion = "1.26.0"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "module %s\n\ngo %s\n\n", modPath, goVersion)
	fmt.Fprintf(&b, "require %s v0.0.0-00010101000000-000000000000\n", RoutigenModule)
	// Sorted as the go command writes them, so it has nothing to update.
	if reqs := requires(gomod); len(reqs) > 0 {
		slices.Sort(reqs)
		b.WriteString("\nrequire (\n")
		for _, r := range reqs {
			fmt.Fprintf(&b, "\t%s // indirect\n", r)
		}
		b.WriteString(")\n")
	}
	fmt.Fprintf(&b, "\nreplace %s => %s\n", RoutigenModule, filepath.ToSlash(repoRoot))
	return []File{
		{Path: "go.mod", Data: []byte(b.String())},
		{Path: "go.sum", Data: gosum},
	}, nil
}

// goFile formats src and returns it as a File; a formatting error is a bug
// in this package and names the file.
func goFile(path string, src []byte) (File, error) {
	out, err := format.Source(src)
	if err != nil {
		return File{}, fmt.Errorf("synth: generated %s does not parse: %v", path, err)
	}
	return File{Path: path, Data: out}, nil
}

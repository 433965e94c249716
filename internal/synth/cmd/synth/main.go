// Command synth writes a synthetic input of routigen's scale benchmarks
// (package internal/synth) into a directory. Used by scripts/vetbench.sh.
//
//	synth -module -m 200 -o DIR [-accessors]   a module of M packages using the runtime
//	synth -state -n 1000 -o DIR [-accessors]   a package of N annotated structs
//
// DIR must not exist or be empty. The go.mod replaces
// github.com/routigen/routigen with the repository this command runs from
// (or -root).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/routigen/routigen/internal/synth"
)

func main() {
	var (
		module    = flag.Bool("module", false, "write a module of -m packages")
		state     = flag.Bool("state", false, "write a package of -n annotated structs")
		m         = flag.Int("m", 200, "number of packages (-module)")
		n         = flag.Int("n", 1000, "number of annotated structs (-state)")
		out       = flag.String("o", "", "output directory (required)")
		root      = flag.String("root", "", "routigen repository root (default: found above the current directory)")
		accessors = flag.Bool("accessors", false, "add code calling the generated accessors (run routigen gen before building)")
	)
	flag.Parse()
	if *out == "" || *module == *state || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: synth -module|-state [-m M] [-n N] [-accessors] [-root DIR] -o DIR")
		os.Exit(2)
	}
	if err := run(*module, *m, *n, *out, *root, *accessors); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}

func run(module bool, m, n int, out, root string, accessors bool) error {
	if root == "" {
		var err error
		if root, err = synth.FindRepoRoot("."); err != nil {
			return err
		}
	}
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty", out)
	}
	var files []synth.File
	var err error
	if module {
		files, err = synth.Module(synth.ModuleOptions{Packages: m, RepoRoot: root, Accessors: accessors})
	} else {
		files, err = synth.StatePackage(synth.StateOptions{Structs: n, RepoRoot: root, Accessors: accessors})
	}
	if err != nil {
		return err
	}
	return synth.Write(out, files)
}

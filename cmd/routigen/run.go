package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/routigen/routigen/gen"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // bad input, stale files
	exitUsage = 2
)

// generate runs gen or check.
func generate(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("routigen "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	tags := fs.String("tags", "", "comma-separated build tags, as for go build")
	verbose, allowBreaking := false, false
	if cmd == "gen" {
		fs.BoolVar(&verbose, "v", false, "print every file written or removed")
		fs.BoolVar(&allowBreaking, "allow-breaking", false,
			"record breaking changes of state types in their manifest instead of failing\n(see routigen explain manifest)")
	}
	fs.Usage = func() {
		flags := "[-tags T]"
		if cmd == "gen" {
			flags += " [-v] [-allow-breaking]"
		}
		fmt.Fprintf(stderr, "usage: routigen %s %s [packages]\n", cmd, flags)
		fs.PrintDefaults()
		if cmd == "gen" {
			fmt.Fprintf(stderr, "gen skips rendering packages whose inputs and file are unchanged, through a cache\nin $%s (default: routigen in the user cache directory; off: no cache).\n", gen.CacheEnv)
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "routigen: %v\n", err)
		return exitFail
	}
	cfg := gen.Config{AllowBreaking: allowBreaking}
	if cmd == "gen" {
		// check renders every file: only that proves a file current.
		cfg.CacheDir = gen.DefaultCacheDir(os.Getenv)
	}
	if *tags != "" {
		cfg.Tags = []string{*tags}
	}
	res, err := gen.Generate(ctx, cfg, fs.Args()...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFail
	}
	code := exitOK
	for _, e := range res.Errs() {
		e := *e
		e.Pos.Filename = rel(cwd, e.Pos.Filename)
		fmt.Fprintln(stderr, e.Error())
		code = exitFail
	}
	for _, p := range res.Packages {
		for _, e := range p.Accepted {
			e := *e
			e.Pos.Filename = rel(cwd, e.Pos.Filename)
			fmt.Fprintln(stderr, e.Error())
		}
	}
	if cmd == "check" {
		if d := res.Diff(cwd); len(d) > 0 {
			stdout.Write(d)
			for _, p := range res.Stale() {
				if p.Action() != gen.Keep {
					fmt.Fprintf(stderr, "routigen: %s is %s; run routigen (go generate) and commit the result\n", rel(cwd, p.File), staleness(p))
				}
				if s := p.ManifestStaleness(); s != "" {
					fmt.Fprintf(stderr, "routigen: %s is %s; run routigen (go generate) and commit the result\n", rel(cwd, p.ManifestFile), s)
				}
			}
			code = exitFail
		}
		return code
	}
	changes, err := res.Commit()
	if verbose {
		for _, c := range changes {
			verb := "wrote"
			if c.Action == gen.Remove {
				verb = "removed"
			}
			fmt.Fprintf(stdout, "routigen: %s %s\n", verb, rel(cwd, c.File))
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		code = exitFail
	}
	return code
}

func staleness(p *gen.Package) string {
	switch {
	case p.Action() == gen.Remove:
		return "orphaned (no annotated type left)"
	case p.Existing == nil:
		return "missing"
	}
	return "stale"
}

// rel shortens file to a path relative to dir when it lies below dir.
func rel(dir, file string) string {
	if file == "" || !filepath.IsAbs(file) {
		return file
	}
	r, err := filepath.Rel(dir, file)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return file
	}
	return r
}

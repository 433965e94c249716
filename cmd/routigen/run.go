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
	opts, code, ok := genFlags(cmd, args, stderr)
	if !ok {
		return code
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "routigen: %v\n", err)
		return exitFail
	}
	cfg := gen.Config{AllowBreaking: opts.allowBreaking}
	if cmd == "gen" {
		// check renders every file: only that proves a file current.
		cfg.CacheDir = gen.DefaultCacheDir(os.Getenv)
	}
	if opts.tags != "" {
		cfg.Tags = []string{opts.tags}
	}
	res, err := gen.Generate(ctx, cfg, opts.patterns...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitFail
	}
	code = reportErrors(res, cwd, stderr)
	if cmd == "check" {
		return max(code, reportStale(res, cwd, stdout, stderr))
	}
	changes, err := res.Commit()
	if opts.verbose {
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

// genOptions are the flags and arguments of gen and check.
type genOptions struct {
	tags                   string
	verbose, allowBreaking bool
	patterns               []string
}

// genFlags parses the flags of cmd (gen or check); when it returns !ok,
// the command exits with code (help: 0, a bad flag: usage).
func genFlags(cmd string, args []string, stderr io.Writer) (opts genOptions, code int, ok bool) {
	fs := flag.NewFlagSet("routigen "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.tags, "tags", "", "comma-separated build tags, as for go build")
	if cmd == "gen" {
		fs.BoolVar(&opts.verbose, "v", false, "print every file written or removed")
		fs.BoolVar(&opts.allowBreaking, "allow-breaking", false,
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
			return opts, exitOK, false
		}
		return opts, exitUsage, false
	}
	opts.patterns = fs.Args()
	for _, a := range opts.patterns {
		if strings.HasPrefix(a, "-") {
			// The flag package stops at the first package; the go
			// command would call the flag a malformed import path.
			fmt.Fprintf(stderr, "routigen %s: %s follows a package, but flags come before the packages\n", cmd, a)
			fs.Usage()
			return opts, exitUsage, false
		}
	}
	return opts, exitOK, true
}

// reportErrors prints the errors of the run and the breaking changes it
// accepted, with paths relative to cwd, and returns the exit code they
// make.
func reportErrors(res *gen.Result, cwd string, stderr io.Writer) int {
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
	return code
}

// reportStale is check's verdict: the diff of every missing, stale or
// orphaned file on stdout, what each is on stderr, and exitFail if any.
func reportStale(res *gen.Result, cwd string, stdout, stderr io.Writer) int {
	d := res.Diff(cwd)
	if len(d) == 0 {
		return exitOK
	}
	stdout.Write(d)
	for _, p := range res.Stale() {
		if p.Action() != gen.Keep {
			fmt.Fprintf(stderr, "routigen: %s is %s; run routigen (go generate) and commit the result\n", rel(cwd, p.File), staleness(p))
		}
		if s := p.ManifestStaleness(); s != "" {
			fmt.Fprintf(stderr, "routigen: %s is %s; run routigen (go generate) and commit the result\n", rel(cwd, p.ManifestFile), s)
		}
	}
	return exitFail
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

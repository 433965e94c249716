// Command routigen generates typed, routine-namespaced state accessors from
// //routigen:state annotations and runs routigen's static checks.
//
// Usage:
//
//	routigen [gen] [-tags T] [-v] [packages]   write routigen_gen.go files (default ".")
//	routigen check [-tags T] [packages]        exit 1 with a diff when a generated file is stale
//	routigen lint [flags] [packages]           run the checks
//	routigen explain [directive|check]         document directives, options and checks
//	routigen help                              print the usage
//
// Installed with `go get -tool github.com/routigen/routigen/cmd/routigen`,
// the same binary is go vet's and go fix's analysis tool:
//
//	go vet -vettool=$(go tool -n routigen) ./...
//	go fix -fixtool=$(go tool -n routigen) ./...
//
// # Dispatch
//
// The first argument picks the subcommand; without one the command is gen,
// so `//go:generate go tool routigen` and `routigen ./...` generate. A first
// argument that is neither a flag nor a package pattern (it has no "/" and
// no ".") and names no subcommand is a mistyped subcommand: usage error,
// exit 2. A package whose import path is a single word (a standard-library
// package, a module named without a dot) is reached with `routigen gen WORD`.
// When go vet or go fix call the binary (a -V or -flags query, a .cfg unit
// file), it speaks their protocol instead.
//
// Exit status: 0 fine, 1 bad input or stale files, 2 usage; lint keeps the
// checker's own codes.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
)

// usage is what `routigen help` prints. Every command in it is run verbatim
// by the README end-to-end test (internal/e2e).
const usage = `routigen generates typed, routine-namespaced state accessors from
//routigen:state annotations, and checks code that uses routigen's runtime.

Usage:

	routigen [gen] [-tags T] [-v] [packages]   write routigen_gen.go and routigen.manifest
	                                           files (default "."); fail on a breaking
	                                           change of a state type's stored shape
	routigen gen -allow-breaking [packages]    record such a change in the manifest
	routigen check [-tags T] [packages]        write nothing; exit 1 with a unified
	                                           diff when a generated file or manifest
	                                           is missing, stale or orphaned, and on a
	                                           breaking change of a stored shape
	routigen lint [flags] [packages]           run the checks (routigen lint -help)
	routigen explain [directive|check|manifest]
	                                           document directives, checks, the manifest
	routigen help                              print this help

Install it as a tool of your module, then run it through the go command:

	go get -tool github.com/routigen/routigen/cmd/routigen
	//go:generate go tool routigen
	go tool routigen check ./...
	go tool routigen lint ./...
	go vet -vettool=$(go tool -n routigen) ./...
	go vet -vettool=$(go tool -n routigen) -fix -diff ./...
	go fix -fixtool=$(go tool -n routigen) ./...

Exit status: 0 fine, 1 bad input or stale files, 2 usage; lint keeps the
checker's codes (3 when it reported diagnostics).
`

// subcommands are the first arguments run dispatches on, in usage order.
var subcommands = []string{"gen", "check", "lint", "explain", "help"}

func main() {
	args := os.Args[1:]
	if isVetProtocol(args) {
		vetToolMain()
		return
	}
	os.Exit(run(context.Background(), args, os.Stdout, os.Stderr))
}

// run dispatches args to a subcommand and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd, rest, err := subcommand(args)
	if err != nil {
		fmt.Fprintf(stderr, "routigen: %v\n\n%s", err, usage)
		return exitUsage
	}
	switch cmd {
	case "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "lint":
		return lint(rest, stdout, stderr)
	case "explain":
		return explain(rest, stdout, stderr)
	default:
		return generate(ctx, cmd, rest, stdout, stderr)
	}
}

// subcommand splits args into the subcommand and its arguments; see the
// package documentation's Dispatch section for the rule.
func subcommand(args []string) (cmd string, rest []string, err error) {
	if len(args) == 0 {
		return "gen", args, nil
	}
	first := args[0]
	switch first {
	case "-h", "-help", "--help":
		return "help", args[1:], nil
	}
	for _, s := range subcommands {
		if first == s {
			return s, args[1:], nil
		}
	}
	if strings.HasPrefix(first, "-") || strings.ContainsAny(first, "/.") {
		return "gen", args, nil
	}
	return "", nil, fmt.Errorf("unknown subcommand %q (subcommands: %s; for a package of that name: routigen gen %s)",
		first, strings.Join(subcommands, ", "), first)
}

// Command routigen generates typed, routine-namespaced state accessors from
// //routigen:state annotations and runs routigen's static checks.
//
// Usage:
//
//	routigen [gen] [-tags T] [packages]    write routigen_gen.go files (default ".")
//	routigen check [-tags T] [packages]    exit 1 with a diff when a generated file is stale
//	routigen lint [flags] [packages]       run the checks
//	routigen explain [directive|check]     document directives, options and checks
//	go vet -vettool=$(command -v routigen) ./...
//
// Exit status: 0 fine, 1 bad input or stale files, 2 usage; lint keeps the
// checker's own codes.
package main

import (
	"context"
	"os"
)

func main() {
	args := os.Args[1:]
	if isVetProtocol(args) {
		lintMain(args)
		return
	}
	if len(args) > 0 && args[0] == "lint" {
		lintMain(args[1:])
		return
	}
	os.Exit(run(context.Background(), args, os.Stdout, os.Stderr))
}

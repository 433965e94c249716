package main

import (
	"os"
	"strings"

	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/routigen/routigen/analyzer"
)

// isVetProtocol reports whether args (os.Args[1:]) are a call from
// `go vet -vettool`: a version query, a flags query or a unit config file.
func isVetProtocol(args []string) bool {
	if len(args) == 0 {
		return false
	}
	a := args[len(args)-1]
	return strings.HasPrefix(args[0], "-V") || args[0] == "-flags" || strings.HasSuffix(a, ".cfg")
}

// lintMain runs the checks with the standard checker driver and its flags
// (-json, -fix, -diff, one enable flag per check) and exits with its codes.
// args are the arguments after "lint" (or, for the vet protocol, all of
// them).
func lintMain(args []string) {
	os.Args = append([]string{os.Args[0]}, args...)
	multichecker.Main(analyzer.All()...)
}

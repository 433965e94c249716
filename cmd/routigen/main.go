// Command routigen generates typed, routine-namespaced state accessors from
// //routigen:state annotations and runs routigen's static checks.
package main

import (
	"fmt"
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
	fmt.Fprintln(os.Stderr, "routigen: gen, check and explain are not built yet")
	os.Exit(2)
}

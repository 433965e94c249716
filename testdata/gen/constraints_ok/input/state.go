// Package ok has platform files, but its state types and their field types
// are declared without constraints: the generated code vets on every GOOS
// (see the goos file of the case).
package ok

// Handle is the same type everywhere.
type Handle struct {
	Names []string
}

//routigen:state scope=job
type State struct {
	H     Handle
	Count int
}

// Describe is implemented per platform.
func Describe(s State) string { return describe(s) }

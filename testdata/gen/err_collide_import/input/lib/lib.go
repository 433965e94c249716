// Package lib exports names routigen generates for the state types of p.
package lib

// Opts is plain data.
type Opts struct{ Tags []string }

// SOf is a helper that happens to bear a generated name.
func SOf() int { return 1 }

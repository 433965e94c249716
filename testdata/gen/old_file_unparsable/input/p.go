// Package p's routigen_gen.go predates the "//go:build !routigen" line and
// was edited by hand until it no longer parses: the load must not stop at
// it, since the run replaces it.
package p

//routigen:state scope=job
type Loop struct {
	Iteration int
}

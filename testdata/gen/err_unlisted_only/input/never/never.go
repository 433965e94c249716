//go:build never

// Package never is all the module has, and ./... lists nothing: the run
// reports its annotation rather than only that nothing matched.
package never

//routigen:state scope=job
type S struct{ N []int }

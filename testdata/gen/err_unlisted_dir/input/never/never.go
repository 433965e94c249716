//go:build never

// Package never has no file this build includes: ./... does not list it,
// but its annotation must not be skipped in silence.
package never

//routigen:state scope=job
type S struct{ N []int }

// Package p has annotations in its test files: errors, even the malformed
// one, and nothing is written.
package p

//routigen:state scope=job
type Fine struct{ N int }

// Package p has a directory where routigen writes its file: an error
// saying so, and the directory is left alone.
package p

//routigen:state scope=job
type S struct{ N int }

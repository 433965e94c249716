// Package p is listed, and written.
package p

//routigen:state scope=job
type S struct{ N []int }

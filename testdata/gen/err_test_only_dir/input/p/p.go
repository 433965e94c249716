// Package p is fine and is written: errors block their own package only.
package p

//routigen:state scope=job
type S struct{ N []int }

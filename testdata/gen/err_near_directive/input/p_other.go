//go:build ignore

package p

// routigen:state scope=job
type E struct{ N int }

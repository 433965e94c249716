// Package p declares any and byte at package level, as code written
// before Go 1.18 may: the generated memo and codec must not name them.
package p

// any matches everything, a helper of older code.
func any(v interface{}) bool { return v != nil }

var byte = 8

// Node holds a slice behind a pointer, so Load needs a memo.
type Node struct{ Tags []string }

//routigen:state scope=worker
type S struct {
	N    *Node
	Data []uint8
	F    float32
}

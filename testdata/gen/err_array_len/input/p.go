package p

import (
	"math/bits"
	"strconv"
	"unsafe"
)

const W = bits.UintSize / 8

//routigen:state scope=job
type S struct {
	A  [bits.UintSize / 8]byte
	B  map[string][W]int
	C  [strconv.IntSize]bool
	D  [unsafe.Sizeof(uintptr(0))]byte
	E  [Arch]int
	p  *[W][]int // unexported, but its copy names the pointer's type
	Ok [8]byte
	q  [W][]int // never spelled
}

// Node is reached by the copy of T, which names the pointer's target.
type Node struct {
	P    *[W][]int
	Next *Node
	Tab  [W][]int // by value: never spelled
}

// Grid is a named pointer: the memo holds its target's pointer type.
type Grid *[strconv.IntSize][]string

//routigen:state scope=worker
type T struct {
	N Node
	G Grid
	K map[string]Node
}

// Package p spells array lengths that are the same in every build, so the
// generated code may spell them too; the case vets for 386 and amd64.
package p

import (
	"unsafe"

	"example.com/arrays_ok/lib"
)

const N = 4

const (
	first = iota + 2
	second
)

// Word's length is the word size, which differs between builds: a named
// type is spelled by its name.
type Word [unsafe.Sizeof(uintptr(0))]byte

//routigen:state scope=job
type S struct {
	Fixed   [4]int
	ByConst [N][]int
	ByGroup [second]string
	ByLen   [len("abcd")]int
	Foreign map[string][lib.Size]int
	Named   Word
	PNamed  *[2]Word
	Node    Node
	// Never spelled: no accessors, and no pointer.
	hidden [unsafe.Sizeof(uintptr(0))][]int
	// Never spelled: a pointer to what holds no slice or map is shared.
	shared *[unsafe.Sizeof(uintptr(0))]int
}

// Node's pointer target is spelled by the copy's memo, with a length that
// is the same in every build.
type Node struct {
	P    *[N][]int
	Next *Node
	// By value, never spelled.
	Buf [unsafe.Sizeof(uintptr(0))][]int
	// Shared, never spelled.
	Word *[unsafe.Sizeof(uintptr(0))]byte
}

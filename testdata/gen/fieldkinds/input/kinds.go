// Package kinds covers every kind of field a state struct can hold (of
// interfaces, only error: the others are err_interface).
package kinds

import (
	"net/netip"
	"time"
	"unsafe"

	"example.com/fieldkinds/other"
)

// Inner is a local struct with a slice.
type Inner struct {
	X []int
	Y int
	z map[int]int
}

// Plain holds no slice or map.
type Plain struct{ A, B int }

// Origin is embedded.
type Origin struct {
	Host string
	Hops []string
}

// Ptr is embedded by pointer.
type Ptr struct{ P int }

// Node is recursive.
type Node struct {
	Kids  []Node
	Attrs map[string]Node
	Next  *Node
}

// Matrix is a local named array type.
type Matrix [3][]float64

// Kinds has a field of every kind.
//
//routigen:state scope=job
type Kinds struct {
	Bool    bool
	Int     int
	Int8    int8
	Uint64  uint64
	Float   float64
	Complex complex128
	Str     string
	Byte    byte
	Rune    rune
	Bytes   []byte
	Strs    []string
	Map     map[string]int
	MapOfS  map[string][]int
	SOfMaps []map[int]string
	Array   [4]int
	ArrayS  [2][]string
	Matrix  Matrix
	Time    time.Time
	Dur     time.Duration
	Addr    netip.Addr
	Ext     other.Exported
	ExtMix  other.Mixed
	ExtList other.List
	Pair    other.Pair[string, []int]
	Inner   Inner
	Plain   Plain
	PtrI    *Inner
	PtrS    *[]int
	Err     error
	Fn      func(ctx int, args ...string) (bool, error)
	FnNone  func()
	Ch      chan int
	RecvCh  <-chan string
	SendCh  chan<- []int
	Anon    struct {
		A []int `json:"a"`
		B int
	}
	Unsafe unsafe.Pointer
	Tree   Node
	Origin
	*Ptr
	lower   []int
	Skipped []int `routigen:"-"`
}

// Flat holds no slice or map anywhere: no copy code at all.
//
//routigen:state scope=worker
type Flat struct {
	N    int
	When time.Time
	P    *Inner
}

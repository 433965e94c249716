// Package p has blank fields, which no code can select: the
// not-comparable marker _ [0]func(), padding, and a nested type's blank
// slice. They are not state: not stored, not copied, not in the manifest.
package p

// Padded is reached by the copy; its blank field cannot be selected.
type Padded struct {
	_    [0]func()
	_    []int
	Tags []string
}

//routigen:state scope=worker
type S struct {
	_ [0]func()
	_ [7]byte
	N []int
	P Padded
	F float32
	_ bool
	B bool
}

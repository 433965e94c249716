// Package tree has types whose slices routigen cannot reach behind a
// pointer: an unexported slice field, and an unexported type it cannot
// name to copy.
package tree

// Buffer hides its bytes in an unexported field.
type Buffer struct {
	Len int
	buf []byte
}

// NewBuffer returns a Buffer holding b.
func NewBuffer(b []byte) *Buffer { return &Buffer{len(b), b} }

type node struct {
	Tags []string
}

// Forest points to an unexported node whose fields are exported.
type Forest struct {
	Root *node
}

// Stamp holds a time: its unexported location pointer stays shared.
type Stamp struct {
	At   [2]int
	when struct{ loc *Buffer }
}

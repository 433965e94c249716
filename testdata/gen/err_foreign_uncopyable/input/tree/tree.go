// Package tree has an exported type holding an unexported recursive one.
package tree

type node struct {
	Name string
	Kids []node
}

// Tree is a forest of unexported nodes.
type Tree struct {
	Nodes []node
}

// Add appends a node with one child.
func (t *Tree) Add(name, kid string) {
	t.Nodes = append(t.Nodes, node{Name: name, Kids: []node{{Name: kid}}})
}

// Rename renames the first child of node i.
func (t *Tree) Rename(i int, name string) { t.Nodes[i].Kids[0].Name = name }

// Kid returns the name of the first child of node i.
func (t *Tree) Kid(i int) string { return t.Nodes[i].Kids[0].Name }

// Buffer hides its bytes in an unexported field.
type Buffer struct {
	Len int
	buf []byte
}

// NewBuffer returns a Buffer holding b.
func NewBuffer(b []byte) Buffer { return Buffer{len(b), b} }

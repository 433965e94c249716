// Package ext has an exported recursive type, and an unexported type that
// is not recursive behind an exported field: routigen copies both deeply.
package ext

// Node is an exported recursive type.
type Node struct {
	Name string
	Kids []Node
}

type item struct {
	Tags []string
}

// Holder holds unexported items.
type Holder struct {
	Items []item
}

// NewHolder returns a Holder with one item of one tag.
func NewHolder(tag string) Holder { return Holder{Items: []item{{Tags: []string{tag}}}} }

// Tag returns the first tag of the first item.
func (h Holder) Tag() string { return h.Items[0].Tags[0] }

// SetTag sets the first tag of the first item.
func (h Holder) SetTag(tag string) { h.Items[0].Tags[0] = tag }

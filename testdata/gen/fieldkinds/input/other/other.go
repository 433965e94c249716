// Package other holds types of another package for field types.
package other

// Exported has exported fields only: copies recurse into it.
type Exported struct {
	Items []int
	Index map[string]string
	N     int
}

// Mixed has an unexported field: copies still recurse into Items.
type Mixed struct {
	Items  []string
	hidden *[]byte
}

// List is a named slice type.
type List []Exported

// Pair is a generic type.
type Pair[K comparable, V any] struct {
	Key K
	Val V
}

// Hidden returns a Mixed with hidden set (keeps the field used).
func Hidden(b []byte) Mixed { return Mixed{hidden: &b} }

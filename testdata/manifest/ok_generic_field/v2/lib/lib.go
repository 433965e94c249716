// Package lib holds a generic type that state fields instantiate.
package lib

// Pair is a key and its value, and when it was seen.
type Pair[K comparable, V any] struct {
	Key  K
	Val  V
	Seen int64
}

// Package pointers holds state fields that reach slices and maps through
// pointers: Load, Store, the getters and setters copy what the pointers
// point to, keep cycles and aliasing, and leave pointers to values that
// hold no slice or map shared.
package pointers

import "time"

// Cfg holds a slice and a map.
type Cfg struct {
	Names []string
	Attrs map[string]int
}

// Node is recursive through pointers: a tree through Kids, a list (maybe
// cyclic) through Next.
type Node struct {
	Name string
	Kids []*Node
	Next *Node
	Tags map[string][]string
}

// NodeP is a named pointer type.
type NodeP *Node

// Extra is embedded by pointer.
type Extra struct {
	Notes []string
}

// Plain holds no slice or map: pointers to it stay shared.
type Plain struct {
	N int
	S string
}

// State is the annotated type.
//
//routigen:state scope=job
type State struct {
	Cfg   *Cfg
	Tree  *Node
	Ring  *Node
	A, B  *Node
	Nil   *Cfg
	Plain *Plain
	When  time.Time
	ByKey map[string]*Cfg
	List  []*Cfg
	PP    **Cfg
	Named NodeP
	Anon  *struct{ Bytes []byte }
	*Extra
}

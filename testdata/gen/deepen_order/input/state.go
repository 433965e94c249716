// Package order holds a state type whose deep copy needs helper closures
// that call each other: S is reached through a map and holds Recs, and Rec
// holds Recs.
package order

import "example.com/deepen_order/ext"

// Rec is a recursive record.
type Rec struct {
	Name string
	Kids []Rec
}

// S holds records and, recursively, more S.
type S struct {
	More map[string]S
	Recs []Rec
}

// State is the annotated type.
//
//routigen:state scope=job
type State struct {
	ByName map[string]S
	Root   Rec
	Ext    ext.Node
	Held   ext.Holder
	Web    ext.Web
}

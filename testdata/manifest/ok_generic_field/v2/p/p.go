package p

import "example.com/ok_generic_field/lib"

// Seen is what one routine instance of the worker keeps across jobs: the
// names of its fields' types hold spaces (lib.Pair[string, bool]).
//
//routigen:state scope=worker
type Seen struct {
	ByName map[string]*lib.Pair[string, bool]
	Last   Box
	Count  int
}

// Box embeds an instantiated generic type.
type Box struct {
	lib.Pair[string, func(a, b int) bool] `json:"-"`
	N                                     int
	M                                     chan<- int `json:"-"`
}

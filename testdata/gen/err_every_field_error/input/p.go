// Package p has three faults in one state type; every one is reported,
// not only the first kind found.
package p

//routigen:state scope=job
type S struct {
	Count int
	Y     int `routigen:"name=Count"`
	Z     int `routigen:"bogus"`
	Load  int
}

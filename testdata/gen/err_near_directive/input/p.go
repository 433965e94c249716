package p

// A is annotated the right way.
//
//routigen:state scope=job
type A struct{ N int }

// B has a space after the slashes: Go does not read that as a directive,
// and B must not silently get no accessors.
//
// routigen:state scope=job
type B struct{ N int }

//Routigen:state scope=worker
type C struct{ N int }

// routing: state of the flow, prose that is left alone.
type D struct{ N int }

//routgen:state scope=job
type G struct{ N int }

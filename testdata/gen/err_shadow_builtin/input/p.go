package p

// uint32 shadows the predeclared type the getter of a float32 field
// converts through.
type uint32 = int

//routigen:state scope=job
type S struct{ F float32 }

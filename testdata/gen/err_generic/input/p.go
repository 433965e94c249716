package p

//routigen:state scope=job
type Box[T any] struct{ V T }

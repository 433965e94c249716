package p

type error struct{}

//routigen:state scope=job
type S struct{ N int }

package p

//routigen:state scope=worker
type S struct{ N []int }

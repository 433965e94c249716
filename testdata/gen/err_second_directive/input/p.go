package p

//routigen:state scope=job
//routigen:state scope=worker
type S struct{ N int }

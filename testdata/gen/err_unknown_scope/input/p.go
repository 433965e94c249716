package p

//routigen:state scope=flow
type S struct{ N int }

package p

//routigen:state
type S struct{ N int }

//routigen:state shared key=k
type T struct{ N int }

package p

type S struct{ B int }

//routigen:state scope=job
type S struct{ A int }

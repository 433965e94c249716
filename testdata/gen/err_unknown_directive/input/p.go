package p

// S has a misspelt directive.
//
//routigen:stat scope=job
type S struct{ N int }

//routigen:frobnicate
func f() {}

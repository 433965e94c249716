package p

//routigen:state scope=job
type ID int

//routigen:state scope=job
type Fn func()

//routigen:state scope=job
var x = 1

//routigen:state scope=job
func f() {}

type S struct {
	N int //routigen:state scope=job
}

//routigen:state scope=job
type Alias = S

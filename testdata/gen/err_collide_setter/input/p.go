package p

//routigen:state scope=job
type S struct {
	Count    int
	SetCount int
}

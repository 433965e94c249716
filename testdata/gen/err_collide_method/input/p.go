package p

//routigen:state scope=job
type S struct {
	Load   int
	Key    string
	Update func()
	N      int
	Store  int `routigen:"-"`
}

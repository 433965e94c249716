package states

//routigen:state scope=job
type LoopState struct {
	Iteration int
}

//routigen:state scope=worker
type Counter struct {
	N int
}

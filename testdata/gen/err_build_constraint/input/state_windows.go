package bc

//routigen:state scope=worker
type WindowsOnly struct {
	N int
}

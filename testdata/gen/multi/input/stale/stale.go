package stale

//routigen:state scope=worker
type Stale struct{ N int }

package p_test

//routigen:state scope=worker
type External struct{ N int }

package skip

//routigen:state scope=job
type F struct{ N int }

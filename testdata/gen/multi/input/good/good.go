package good

//routigen:state scope=job
type Good struct{ N int }

package q

//routigen:state scope=job
type Q struct{ N int }

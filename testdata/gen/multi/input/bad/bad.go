package bad

//routigen:state scope=job
type Bad struct{ Load int }

//routigen:state scope=nope
type Worse struct{ N int }

package b

//routigen:state scope=job key=loop
type Loop struct{ N int }

//routigen:state scope=job shared key=loop
type Shared struct{ N int }

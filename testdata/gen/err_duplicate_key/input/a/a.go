package a

//routigen:state scope=job key=loop
type Loop struct{ N int }

// Same name, other scope: fine.
//
//routigen:state scope=worker key=loop
type LoopW struct{ N int }

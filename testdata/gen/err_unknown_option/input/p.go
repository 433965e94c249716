package p

//routigen:state scope=job sharde
type S struct{ N int }

//routigen:state scope=job shared=yes
type T struct{ N int }

//routigen:state scope=job key=
type U struct{ N int }

//routigen:state scope=job scope=worker
type V struct{ N int }

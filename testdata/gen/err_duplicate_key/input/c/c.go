package c

// Not annotated twice in one package, but with the same key.
//
//routigen:state scope=job shared key=loop
type One struct{ N int }

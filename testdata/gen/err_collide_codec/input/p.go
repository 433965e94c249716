package p

// codecOfC is the user's own, and takes the name of C's generated codec.
var codecOfC = 1

//routigen:state scope=worker
type C struct{ N int }

// codecOfJ is free: job-scope state gets no codec.
var codecOfJ = 2

//routigen:state scope=job
type J struct{ N int }

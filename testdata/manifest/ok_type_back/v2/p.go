package p

// Loop is what one routine instance of the worker keeps across jobs.
//
//routigen:state scope=worker
type Loop struct {
	Count int
}

// Seen is back, under its old storage name.
//
//routigen:state scope=worker shared
type Seen struct {
	IDs []string
}

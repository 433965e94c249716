package p

// Loop is what one routine instance of the worker keeps across jobs.
//
//routigen:state scope=worker
type Loop struct {
	Count int
	Names []string
	note  string
}

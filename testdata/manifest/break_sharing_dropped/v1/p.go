package p

// Loop is what the routines of the worker share across jobs.
//
//routigen:state scope=worker shared
type Loop struct {
	Count int
	Names []string
	note  string
}

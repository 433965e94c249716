package p

// Loop is what one routine instance of the worker keeps across jobs.
//
//routigen:state scope=worker
type Loop struct {
	Total int `routigen:"-,name=Count"`
	Names []string
	note  string
}

package p

// Loop is what one routine instance of the worker keeps across jobs.
//
//routigen:state scope=worker
type Loop struct {
	Count int
}

// Seen goes away in version 2: its stored values are left behind, unread.
//
//routigen:state scope=worker shared
type Seen struct {
	IDs []string
}

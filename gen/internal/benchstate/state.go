// Package benchstate is a committed example of generated accessors, for the
// benchmarks of package gen (and a check that the committed file is
// current). Regenerate with go generate.
package benchstate

//go:generate go run github.com/routigen/routigen/cmd/routigen

// Loop is the state of a loop controller, per routine instance and job.
//
//routigen:state scope=job
type Loop struct {
	Iteration int
	Label     string
	History   []string
	Seen      map[string]int
}

// Stats lives in the worker.
//
//routigen:state scope=worker
type Stats struct {
	Jobs int64
}

// Package loop is the fixture the real golangci-lint build runs on: one
// finding per check in bad.go, a suppressed one, and correct code in good.go
// that must stay silent.
package loop

//go:generate go tool routigen

// LoopState lives in the job.
//
//routigen:state scope=job
type LoopState struct {
	Iteration int
}

// Seen lives in the worker, across jobs.
//
//routigen:state scope=worker
type Seen struct {
	N int
}

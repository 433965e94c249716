package demo

import "time"

//go:generate go run github.com/routigen/routigen/cmd/routigen

// CountdownState is one countdown's progress within a job. Each countdown
// instance of a flow keeps its own.
//
//routigen:state scope=job
type CountdownState struct {
	Total     int
	Remaining int
	Started   time.Time
}

// BatchState numbers the batches one batch processor emitted for a job.
//
//routigen:state scope=job
type BatchState struct {
	Batches int
}

// CounterState is a counter instance's running count. It lives in the
// worker, so it accumulates across the jobs that worker runs, and it is
// namespaced by the routine id, so two counters in one flow count apart.
//
//routigen:state scope=worker
type CounterState struct {
	Count int64
}

// LoopState is one loop controller's iteration count for one job. Two
// controllers in one flow — or one controller in many concurrent jobs —
// never see each other's count.
//
//routigen:state scope=job
type LoopState struct {
	Iteration int
}

// SinkState is what a data sink stored for the current job: each value,
// as text (a message's values are untyped, and state holds no interface
// values: routigen could not copy what they hold).
//
//routigen:state scope=job
type SinkState struct {
	Items []string
}

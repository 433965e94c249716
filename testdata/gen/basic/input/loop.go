// Package loop is the SPEC §2 example: job, worker, shared and key= state.
package loop

import "context"

// LoopState is per routine instance, per job.
//
//routigen:state scope=job
type LoopState struct {
	Iteration int
	History   []string
	note      string // unexported: kept in Load/Store, no field accessors
	Scratch   int    `routigen:"-"`
}

// Counter lives in the worker, across jobs.
//
//routigen:state scope=worker
type Counter struct {
	Seen  int64
	Names map[string]int
}

// Session is handed from one routine to the others of the job.
//
//routigen:state scope=job shared key=session
type Session struct {
	UserID string
}

// Totals is shared by every routine of the worker.
//
//routigen:state scope=worker shared
type Totals struct {
	Jobs int
}

// Step uses the generated accessors, which the generator's load excludes.
func Step(ctx context.Context) error {
	st, err := LoopStateOf(ctx)
	if err != nil {
		return err
	}
	st.Update(func(s *LoopState) { s.Iteration++; s.note = "x" })
	return nil
}

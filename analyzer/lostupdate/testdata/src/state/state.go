// Package state declares routine state; routigen_gen.go is its generated
// accessors, written by hand in the generator's form.
package state

import "context"

// Counter lives in the worker, across jobs: concurrent jobs share it.
//
//routigen:state scope=worker
type Counter struct {
	Count int
	Total float64
	Names []string
	Label string
	Flags uint
}

// Session is handed from one routine to the others of the job.
//
//routigen:state scope=job shared
type Session struct {
	Hits int
}

// Loop is per routine instance and per job: its activations are serialized.
//
//routigen:state scope=job
type Loop struct {
	Iteration int
}

// Step uses the accessors inside the declaring package.
func Step(ctx context.Context) error {
	c, err := CounterOf(ctx)
	if err != nil {
		return err
	}
	c.SetCount(c.Count() + 1) // want `lostupdate: c.SetCount writes a value computed from c.Count\(\)`
	l, err := LoopOf(ctx)
	if err != nil {
		return err
	}
	l.SetIteration(l.Iteration() + 1)
	return nil
}

// ShadowsType: a parameter named Counter hides the state type where the
// setter is called, so the fix cannot spell func(s *Counter) there.
func ShadowsType(c CounterAccessor, Counter int) {
	c.SetCount(c.Count() + Counter) // want `lostupdate: c.SetCount writes a value computed from c.Count\(\)`
}

package loop

import (
	"context"

	"github.com/routigen/routigen/runtime"
)

func bad(ctx context.Context, in runtime.Input) error {
	count := 0
	job, ok := runtime.JobFromContext(ctx) // want nilfallback
	if !ok {
		count = len(in.Slot("in"))
	} else {
		job.SetData("loop_iteration", count) // want jobdata
	}
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	_ = ec.Worker.RoutineState("cache") // want workerkey
	s, err := SeenOf(ctx)
	if err != nil {
		return err
	}
	s.SetN(s.N() + 1)               // want lostupdate
	ec.Job.SetData("legacy", count) //nolint:routigen // fixture: golangci-lint's own suppression
	ec.Job.SetData("audit", count)  //routigen:ignore jobdata fixture: routigen's own suppression
	return nil
}

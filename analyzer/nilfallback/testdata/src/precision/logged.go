package precision

import (
	"context"
	"log"

	"github.com/routigen/routigen/runtime"

	"logx"
)

// The error is only logged, then the code carries on: a fallback.
func loggedAndContinued(ctx context.Context) {
	job, err := runtime.RequireJob(ctx) // want `nilfallback: runtime.RequireJob falls back when the job is missing`
	if err != nil {
		logx.Warn(err)
	}
	if job != nil {
		job.Trace("r", "a", nil)
	}
}

func loggedOkContinued(ctx context.Context) int {
	ec, ok := runtime.ExecFromContext(ctx) // want `nilfallback: runtime.ExecFromContext falls back when the routine activation is missing`
	logx.Both(ok, nil)
	if !ok {
		return 0
	}
	return len(ec.RoutineID)
}

func localLogger(ctx context.Context) {
	_, err := runtime.RequireExec(ctx) // want `nilfallback: runtime.RequireExec falls back when the routine activation is missing`
	if err != nil {
		warn(err)
		return
	}
	s0.seen["x"]++
}

func warn(err error) { log.Println("precision:", err) } // want warn:`only logs parameters \[0\]`

// Negatives: the error goes somewhere that handles it, or is logged and
// then returned.
func keptElsewhere(ctx context.Context) {
	_, err := runtime.RequireJob(ctx)
	logx.Keep(err)
}

func decidedElsewhere(ctx context.Context) bool {
	_, err := runtime.RequireJob(ctx)
	return logx.Check(err)
}

func loggedThenReturned(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		logx.Warn(err)
		return err
	}
	job.Trace("r", "a", nil)
	return nil
}

func loggedThenWrapped(ctx context.Context) error {
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return logx.Wrap(err)
	}
	job.Trace("r", "a", nil)
	return nil
}

func loggedThenPanics(ctx context.Context) {
	_, ok := runtime.JobFromContext(ctx)
	if !ok {
		logx.Both(ok, nil)
		panic("precision: no job")
	}
}

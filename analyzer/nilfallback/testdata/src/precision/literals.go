package precision

import (
	"context"

	"github.com/routigen/routigen/runtime"
)

type lookupResult struct {
	job *runtime.JobContext
	ok  bool
}

func literalValueFallback(ctx context.Context) int {
	j, ok := runtime.JobFromContext(ctx) // want `nilfallback: runtime.JobFromContext falls back when the job is missing`
	res := lookupResult{job: j, ok: ok}
	if !res.ok {
		return 0
	}
	return len(res.job.ID())
}

func literalPointerFallback(ctx context.Context) int {
	j, ok := runtime.JobFromContext(ctx) // want `nilfallback: runtime.JobFromContext falls back when the job is missing`
	res := &lookupResult{job: j, ok: ok}
	if !res.ok {
		return 0
	}
	return len(res.job.ID())
}

func literalFails(ctx context.Context) error {
	j, ok := runtime.JobFromContext(ctx)
	res := lookupResult{job: j, ok: ok}
	if !res.ok {
		return errNoJob
	}
	res.job.Trace("r", "a", nil)
	return nil
}

func literalPointerFails(ctx context.Context) error {
	j, ok := runtime.JobFromContext(ctx)
	res := &lookupResult{j, ok}
	if !res.ok {
		panic("precision: no job")
	}
	res.job.Trace("r", "a", nil)
	return nil
}

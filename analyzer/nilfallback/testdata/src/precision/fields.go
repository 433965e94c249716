package precision

import (
	"context"
	"fmt"

	"github.com/routigen/routigen/runtime"
)

type handler struct {
	job  *runtime.JobContext
	ok   bool
	ec   *runtime.ExecContext
	err  error
	hits int
}

var spareJob = new(runtime.JobContext)

// The ok kept in a field, and the field tested: a fallback.
func (h *handler) fieldFallback(ctx context.Context) {
	h.job, h.ok = runtime.JobFromContext(ctx) // want `nilfallback: runtime.JobFromContext falls back when the job is missing`
	if !h.ok {
		h.job = spareJob
	}
	h.job.Trace("r", "a", nil)
}

func (h *handler) fieldErrSkips(ctx context.Context) {
	h.ec, h.err = runtime.RequireExec(ctx) // want `nilfallback: runtime.RequireExec silently skips the work when the routine activation is missing`
	if h.err == nil {
		h.hits++
	}
}

func localStructFallback(ctx context.Context) int {
	var st struct {
		ec *runtime.ExecContext
		ok bool
	}
	st.ec, st.ok = runtime.ExecFromContext(ctx) // want `nilfallback: runtime.ExecFromContext falls back when the routine activation is missing`
	if !st.ok {
		return 0
	}
	return len(st.ec.RoutineID)
}

func (h *handler) fieldFails(ctx context.Context) error {
	h.job, h.ok = runtime.JobFromContext(ctx)
	if !h.ok {
		return fmt.Errorf("handler: %w", runtime.ErrNoJob)
	}
	h.job.Trace("r", "a", nil)
	return nil
}

func (h *handler) fieldErrFails(ctx context.Context) error {
	h.ec, h.err = runtime.RequireExec(ctx)
	if h.err != nil {
		return h.err
	}
	h.hits++
	return nil
}

func (h *handler) fieldErrWrapped(ctx context.Context) error {
	h.ec, h.err = runtime.RequireExec(ctx)
	if h.err != nil {
		return fmt.Errorf("handler %d: %w", h.hits, h.err)
	}
	h.hits++
	return nil
}

// The ok is kept for other methods to read: they decide.
func (h *handler) fieldKept(ctx context.Context) {
	h.job, h.ok = runtime.JobFromContext(ctx)
}

func (h *handler) fieldPanics(ctx context.Context) {
	h.job, h.ok = runtime.JobFromContext(ctx)
	if !h.ok {
		panic("handler: no job")
	}
	h.hits++
}

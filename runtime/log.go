package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// DefaultLogLimit bounds a job's captured log unless WithLogLimit says
// otherwise.
const DefaultLogLimit = 1000

// LogEntry is one slog record captured for a job.
type LogEntry struct {
	Time      time.Time
	Level     slog.Level
	Message   string
	RoutineID string
	// Attrs are the record's attributes, group-qualified keys ("g.k").
	Attrs []slog.Attr
}

// Logs returns the records logged for this job through Logger (and by the
// runtime about it), oldest first. The log is bounded: once it holds its
// limit the oldest record goes; LogsDropped counts them.
func (j *JobContext) Logs() []LogEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.rec == nil {
		return []LogEntry{}
	}
	return j.rec.logs.list()
}

// LogsDropped returns how many of the oldest log records were dropped.
func (j *JobContext) LogsDropped() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.rec == nil {
		return 0
	}
	return j.rec.logs.lost
}

func (j *JobContext) addLog(e LogEntry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	_, limit := j.limits()
	j.records().logs.add(e, limit)
}

// Logger returns the logger for the activation in ctx. Its records are kept
// with the job (JobContext.Logs), tagged with the routine id, and go on to
// the runtime's logger (WithLogger) with job_id, routine_id, flow_id and
// worker_id attributes. With a job but no runtime (see package runtimetest)
// records are kept with the job and go on to slog.Default(). Without a job
// it is slog.Default().
func Logger(ctx context.Context) *slog.Logger {
	ec := execOf(ctx)
	if ec == nil || ec.Job == nil {
		return slog.Default()
	}
	base := slog.Default().Handler()
	if ec.act != nil {
		base = ec.act.jr().rt.logHandler
	}
	return slog.New(newJobHandler(base, ec.Job, ec.RoutineID))
}

// jobHandler tees records into the job's log and the runtime's handler.
type jobHandler struct {
	fwd       slog.Handler
	job       *JobContext
	routineID string
	attrs     []slog.Attr
	prefix    string
}

func newJobHandler(base slog.Handler, job *JobContext, routineID string) *jobHandler {
	return &jobHandler{
		fwd: base.WithAttrs([]slog.Attr{
			slog.String("job_id", job.ID()),
			slog.String("routine_id", routineID),
			slog.String("flow_id", job.FlowID()),
			slog.String("worker_id", job.WorkerID()),
		}),
		job:       job,
		routineID: routineID,
	}
}

// Enabled is true at every level: the job's log captures debug records even
// when the forward handler would drop them.
func (h *jobHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *jobHandler) Handle(ctx context.Context, r slog.Record) error {
	attrs := slices.Clip(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		a.Key = h.prefix + a.Key
		attrs = append(attrs, a)
		return true
	})
	h.job.addLog(LogEntry{Time: r.Time, Level: r.Level, Message: r.Message, RoutineID: h.routineID, Attrs: attrs})
	if h.fwd.Enabled(ctx, r.Level) {
		return h.fwd.Handle(ctx, r)
	}
	return nil
}

func (h *jobHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = slices.Clip(h.attrs)
	for _, a := range as {
		a.Key = h.prefix + a.Key
		c.attrs = append(c.attrs, a)
	}
	c.fwd = h.fwd.WithAttrs(as)
	return &c
}

func (h *jobHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.prefix = h.prefix + name + "."
	c.fwd = h.fwd.WithGroup(name)
	return &c
}

// guardedHandler wraps the handler of WithLogger's logger: code of the
// user's, which the runtime calls on its own goroutines (a retry's record,
// a hook's panic) and logic through Logger. A panic in it loses the record
// (Handle returns it as an error, which slog drops) instead of crashing the
// goroutine; one in WithAttrs or WithGroup loses the attributes or group.
type guardedHandler struct{ h slog.Handler }

func (g guardedHandler) Enabled(ctx context.Context, l slog.Level) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return g.h.Enabled(ctx, l)
}

func (g guardedHandler) Handle(ctx context.Context, r slog.Record) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("runtime: log handler panicked: %v", v)
		}
	}()
	return g.h.Handle(ctx, r)
}

func (g guardedHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h := slog.Handler(g)
	if protect("WithAttrs", "", func() { h = guardedHandler{g.h.WithAttrs(as)} }) != nil {
		return g
	}
	return h
}

func (g guardedHandler) WithGroup(name string) slog.Handler {
	h := slog.Handler(g)
	if protect("WithGroup", "", func() { h = guardedHandler{g.h.WithGroup(name)} }) != nil {
		return g
	}
	return h
}

package runtime_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

// TestSpecNames spells every name and call form SPEC §1 fixes, as SPEC
// spells them: renaming one breaks this file's build.
func TestSpecNames(t *testing.T) {
	var (
		_ runtime.Message                              = map[string]any{}
		_ runtime.LogicFunc                            = func(ctx context.Context, in runtime.Input) error { _ = in.Slot("x"); return nil }
		_ runtime.Hooks                                = runtime.NopHooks{}
		_ runtime.TraceEntry                           = runtime.TraceEntry{Time: time.Time{}, RoutineID: "", Action: "", Details: nil}
		_ runtime.ExecContext                          = runtime.ExecContext{RoutineID: "", FlowID: "", Job: (*runtime.JobContext)(nil), Worker: (*runtime.WorkerState)(nil)}
		_                                              = runtime.ErrorHandler{Strategy: runtime.Retry, MaxRetries: 1, Delay: time.Millisecond, Backoff: 2}
		_                                              = []runtime.ErrorStrategy{runtime.Stop, runtime.Continue, runtime.Skip, runtime.Retry}
		_                                              = []runtime.JobStatus{runtime.JobPending, runtime.JobRunning, runtime.JobCompleted, runtime.JobFailed, runtime.JobCancelled}
		_                                              = []runtime.Policy{runtime.Immediate(), runtime.AllSlotsReady(), runtime.BatchSize(2), runtime.TimeInterval(time.Second), runtime.Custom(func(runtime.SlotView) bool { return true })}
		_                                              = []runtime.Option{runtime.WithWorkers(2), runtime.WithTraceLimit(10), runtime.WithHooks(runtime.NopHooks{}), runtime.WithLogger(slog.Default())}
		_                                              = []runtime.PostOption{runtime.OnWorker("w"), runtime.WithJobID("j"), runtime.WithMetadata(runtime.Message{}), runtime.WithTimeout(time.Second)}
		_                                              = runtime.PanicError{Value: any(nil), Stack: []byte(nil)}
		_ func(context.Context) error                  = (*runtime.Runtime)(nil).Shutdown
		_ func(context.Context) []runtimetest.Emission = runtimetest.Emitted
		_                                              = runtimetest.Emission{Event: "", Payload: runtime.Message{}}
		_                                              = []error{runtime.ErrNoJob, runtime.ErrNoRoutine, runtime.ErrClosed}
	)

	r := runtime.NewRoutine("k").Slot("in").Event("out", "v").Policy(runtime.Immediate()).
		OnError(runtime.ErrorHandler{Strategy: runtime.Stop}).
		Logic(func(ctx context.Context, in runtime.Input) error {
			return runtime.Emit(ctx, "out", runtime.Message{"v": len(in.Slot("in"))})
		})
	sink := runtime.NewRoutine("sink").Slot("in").Logic(func(context.Context, runtime.Input) error { return nil })
	f := runtime.NewFlow("f")
	if err := errors.Join(f.Add("a", r), f.Add("b", sink), f.Connect("a", "out", "b", "in")); err != nil {
		t.Fatal(err)
	}
	rt := runtime.New(runtime.WithWorkers(2))
	defer rt.Close()
	if err := rt.Register(f); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	var ws *runtime.WorkerState
	ws, err := rt.Exec(ctx, "f")
	if err != nil {
		t.Fatal(err)
	}
	var job *runtime.JobContext
	job, err = rt.Post(ctx, "f", "a", "in", runtime.Message{"x": 1}, runtime.OnWorker(ws.ID()), runtime.WithJobID("j1"), runtime.WithMetadata(runtime.Message{"user_id": "u"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	var (
		_ string                                = job.ID() + job.FlowID() + job.WorkerID()
		_ runtime.Message                       = job.Metadata()
		_ runtime.Message                       = job.Data()
		_ []runtime.TraceEntry                  = job.TraceLog()
		_ runtime.JobStatus                     = job.Status()
		_ error                                 = job.Err()
		_ time.Time                             = job.CreatedAt()
		_ time.Time                             = job.CompletedAt()
		_ <-chan struct{}                       = job.Done()
		_ string                                = ws.ID() + ws.FlowID()
		_ runtime.Message                       = ws.RoutineState("a")
		_ int64                                 = ws.JobsProcessed() + ws.JobsFailed()
		_ func(string, any)                     = job.SetData
		_ func(string) (any, bool)              = job.GetData
		_ func(string)                          = job.DeleteData
		_ func(string, string, runtime.Message) = job.Trace
		_ func()                                = job.Complete
		_ func(error)                           = job.Fail
		_ func(string, runtime.Message)         = ws.UpdateRoutineState
		_ func(any)                             = job.SetResult
		_ func() any                            = job.Result
	)
	if job.ID() != "j1" || job.Status() != runtime.JobCompleted || job.Metadata()["user_id"] != "u" || ws.JobsProcessed() != 1 {
		t.Errorf("job %s %v %v, worker processed %d", job.ID(), job.Status(), job.Metadata(), ws.JobsProcessed())
	}

	tctx, tjob, tws := runtimetest.NewContext(t, "a")
	other := runtimetest.WithRoutine(tctx, "b")
	if ec, ok := runtime.ExecFromContext(other); !ok || ec.RoutineID != "b" || ec.Job != tjob || ec.Worker != tws {
		t.Errorf("WithRoutine: %+v", ec)
	}
	if j, ok := runtime.JobFromContext(tctx); !ok || j != tjob {
		t.Error("JobFromContext")
	}
	if _, err := runtime.RequireExec(context.Background()); !errors.Is(err, runtime.ErrNoRoutine) {
		t.Errorf("RequireExec: %v", err)
	}
	if _, err := runtime.RequireJob(context.Background()); !errors.Is(err, runtime.ErrNoJob) {
		t.Errorf("RequireJob: %v", err)
	}
	if err := runtime.Emit(context.Background(), "out", nil); !errors.Is(err, runtime.ErrNoRoutine) {
		t.Errorf("Emit outside logic: %v", err)
	}
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Post(ctx, "f", "a", "in", nil); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("Post after Close: %v", err)
	}
}

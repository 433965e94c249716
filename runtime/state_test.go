package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

func TestJobContextConcurrentUse(t *testing.T) {
	job := runtime.NewJobContext("j", "f", "w", runtime.Message{"m": 1})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				key := fmt.Sprintf("g%d-%d", g, i)
				job.SetData(key, i)
				if v, ok := job.GetData(key); !ok || v != i {
					t.Errorf("GetData(%s) = %v %v", key, v, ok)
					return
				}
				if i%2 == 0 {
					job.DeleteData(key)
				}
				job.Trace("r", "a", runtime.Message{"i": i})
				_ = job.Data()
				_ = job.TraceLog()
				_ = job.Status()
			}
		})
	}
	wg.Wait()
	if n := len(job.Data()); n != 8*100 {
		t.Errorf("%d keys, want 800", n)
	}
	if len(job.TraceLog()) != runtime.DefaultTraceLimit || job.TraceDropped() != 8*200-runtime.DefaultTraceLimit {
		t.Errorf("trace %d dropped %d", len(job.TraceLog()), job.TraceDropped())
	}
	md := job.Metadata()
	md["m"] = 2
	if job.Metadata()["m"] != 1 {
		t.Error("Metadata is not a copy")
	}
	d := job.Data()
	d["x"] = 1
	if _, ok := job.GetData("x"); ok {
		t.Error("Data is not a copy")
	}
	// Only the first finishing call counts, even concurrently.
	for range 4 {
		wg.Go(func() { job.Fail(errors.New("x")) })
		wg.Go(job.Complete)
	}
	wg.Wait()
	if s := job.Status(); !s.Finished() || (s == runtime.JobFailed) != (job.Err() != nil) {
		t.Errorf("status %v err %v", s, job.Err())
	}
}

func TestWorkerStateConcurrentUse(t *testing.T) {
	w := runtime.NewWorkerState("w", "f")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for range 500 {
				w.ModifyRoutineState("r", func(s runtime.Message) {
					n, _ := s["count"].(int)
					s["count"] = n + 1
				})
				w.UpdateRoutineState("r", runtime.Message{fmt.Sprintf("g%d", g): true})
				_ = w.RoutineState("r")
			}
		})
	}
	wg.Wait()
	st := w.RoutineState("r")
	if st["count"] != 8*500 || len(st) != 9 {
		t.Errorf("state %v: ModifyRoutineState lost updates", st)
	}
	st["count"] = -1
	if w.RoutineState("r")["count"] != 8*500 {
		t.Error("RoutineState is not a copy")
	}
}

// The fault this fixes: the runtime's idle bookkeeping overwrote user
// state. A user key named like the runtime's must survive activations.
func TestRoutineStatusNeverTouchesUserState(t *testing.T) {
	f := runtime.NewFlow("status")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		ec, err := runtime.RequireExec(ctx)
		if err != nil {
			return err
		}
		ec.Worker.ModifyRoutineState(ec.RoutineID, func(s runtime.Message) {
			s["status"] = "mine"
			n, _ := s["runs"].(int)
			s["runs"] = n + 1
		})
		return nil
	}))
	r := newRuntime(t)
	mustRegister(t, r, f)
	for range 20 {
		mustPost(t, r, "status", "a", "in", runtime.Message{})
	}
	waitAll(t, r)
	w := r.Workers("status")[0]
	st := w.RoutineState("a")
	if st["status"] != "mine" || st["runs"] != 20 || len(st) != 2 {
		t.Errorf("user state %v", st)
	}
	if got := w.RoutineStatus("a"); got != runtime.RoutineIdle {
		t.Errorf("runtime status %q", got)
	}
}

func TestCellConcurrentUpdate(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "r")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				c, err := runtime.JobCell[counterState](ctx, "n", runtime.PerRoutine)
				if err != nil {
					t.Error(err)
					return
				}
				c.Update(func(s *counterState) { s.N++ })
				_ = c.RLock().N
				c.RUnlock()
				wc, _ := runtime.WorkerCell[counterState](ctx, "n", runtime.PerFlow)
				p := wc.Lock()
				p.N++
				wc.Unlock()
			}
		})
	}
	wg.Wait()
	c, _ := runtime.JobCell[counterState](ctx, "n", runtime.PerRoutine)
	wc, _ := runtime.WorkerCell[counterState](ctx, "n", runtime.PerFlow)
	if c.RLock().N != 8000 || wc.RLock().N != 8000 {
		t.Errorf("cells %d %d, want 8000", c.RLock().N, wc.RLock().N)
	}
	c.RUnlock()
	wc.RUnlock()
	if _, err := runtime.JobCell[int](ctx, "n", runtime.PerRoutine); err == nil {
		t.Error("one storage name with two types: no error")
	}
}

func TestRuntimetest(t *testing.T) {
	ctx, job, worker := runtimetest.NewContext(t, "ctl")
	ec, err := runtime.RequireExec(ctx)
	if err != nil || ec.RoutineID != "ctl" || ec.Job != job || ec.Worker != worker || ec.FlowID != runtimetest.FlowID {
		t.Fatalf("exec %+v %v", ec, err)
	}
	if job.WorkerID() != worker.ID() || job.FlowID() != runtimetest.FlowID {
		t.Errorf("job %s/%s", job.WorkerID(), job.FlowID())
	}
	ctx2, job2, worker2 := runtimetest.NewContext(t, "ctl")
	if job2 == job || worker2 == worker || job2.ID() == job.ID() {
		t.Error("NewContext reused a job or worker")
	}
	other := runtimetest.WithRoutine(ctx, "ctl2")
	a, _ := runtime.JobCell[counterState](ctx, "n", runtime.PerRoutine)
	b, _ := runtime.JobCell[counterState](other, "n", runtime.PerRoutine)
	c, _ := runtime.JobCell[counterState](ctx2, "n", runtime.PerRoutine)
	if a == b || a == c || a.Key() == b.Key() {
		t.Errorf("cells of two routines or two jobs are the same: %s %s", a.Key(), b.Key())
	}
	sa, _ := runtime.JobCell[counterState](ctx, "s", runtime.PerFlow)
	sb, _ := runtime.JobCell[counterState](other, "s", runtime.PerFlow)
	if sa != sb {
		t.Error("shared cells of one job differ between routines")
	}
	if j, _ := runtime.JobFromContext(other); j != job {
		t.Error("WithRoutine changed the job")
	}
	if e, _ := runtime.ExecFromContext(other); e.Worker != worker {
		t.Error("WithRoutine lost the worker")
	}
	runtime.Logger(ctx).Debug("captured") // kept with the job; below slog.Default's level
	if logs := job.Logs(); len(logs) != 1 || logs[0].RoutineID != "ctl" {
		t.Errorf("logs %+v", logs)
	}
	if _, err := runtime.RequireJob(context.Background()); !errors.Is(err, runtime.ErrNoJob) {
		t.Errorf("RequireJob: %v", err)
	}
	if _, err := runtime.JobCell[counterState](runtime.WithJob(context.Background(), job), "n", runtime.PerRoutine); !errors.Is(err, runtime.ErrNoRoutine) {
		t.Errorf("per-routine cell without a routine: %v", err)
	}
}

// Logic can be unit-tested without a flow: runtimetest for the context,
// NewInput for what it consumed.
func TestLogicWithoutAFlow(t *testing.T) {
	logic := func(ctx context.Context, in runtime.Input) error {
		c, err := runtime.JobCell[counterState](ctx, "n", runtime.PerRoutine)
		if err != nil {
			return err
		}
		c.Update(func(s *counterState) { s.N += len(in.Slot("a")) + 10*len(in.Slot("b")) })
		return nil
	}
	ctx, _, _ := runtimetest.NewContext(t, "r")
	in := runtime.NewInput(map[string][]runtime.Message{"b": {{}}, "a": {{}, {}}})
	if err := logic(ctx, in); err != nil {
		t.Fatal(err)
	}
	c, _ := runtime.JobCell[counterState](ctx, "n", runtime.PerRoutine)
	if n := c.RLock().N; n != 12 {
		t.Errorf("N = %d, want 12", n)
	}
	c.RUnlock()
	if got := in.Slots(); len(got) != 2 || got[0] != "a" {
		t.Errorf("Slots() = %v", got)
	}
	if (runtime.Input{}).Slot("a") != nil {
		t.Error("zero Input has messages")
	}
}

// A routine may carry the flow's id; its per-routine cell must still not be
// the flow's shared cell of the same storage name.
func TestCellSharingModesApart(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, runtimetest.FlowID)
	for _, cell := range []func(context.Context, string, runtime.Sharing) (*runtime.Cell[counterState], error){
		runtime.JobCell[counterState],
		func(ctx context.Context, name string, s runtime.Sharing) (*runtime.Cell[counterState], error) {
			return runtime.WorkerCell[counterState](ctx, name, s)
		},
	} {
		own, err := cell(ctx, "n", runtime.PerRoutine)
		if err != nil {
			t.Fatal(err)
		}
		shared, err := cell(ctx, "n", runtime.PerFlow)
		if err != nil {
			t.Fatal(err)
		}
		if own == shared || own.Key() == shared.Key() {
			t.Errorf("per-routine and shared cells meet: %q %q", own.Key(), shared.Key())
		}
		if want := "n/" + runtimetest.FlowID; own.Key() != want {
			t.Errorf("per-routine key %q, want %q", own.Key(), want)
		}
		if want := "n@" + runtimetest.FlowID; shared.Key() != want {
			t.Errorf("shared key %q, want %q", shared.Key(), want)
		}
	}
}

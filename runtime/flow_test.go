package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/routigen/routigen/runtime"
)

func TestFlowGraphErrors(t *testing.T) {
	src := runtime.NewRoutine("src").Slot("in").Event("out").Logic(nop)
	dst := runtime.NewRoutine("dst").Slot("in").Logic(nop)
	f := runtime.NewFlow("g")
	mustAdd(t, f, "a", src)
	mustAdd(t, f, "b", dst)
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"duplicate id", f.Add("a", dst), runtime.ErrDuplicate},
		{"unknown from", f.Connect("x", "out", "b", "in"), runtime.ErrUnknownRoutine},
		{"unknown to", f.Connect("a", "out", "x", "in"), runtime.ErrUnknownRoutine},
		{"unknown event", f.Connect("a", "nope", "b", "in"), runtime.ErrUnknownEvent},
		{"unknown slot", f.Connect("a", "out", "b", "nope"), runtime.ErrUnknownSlot},
		{"event on a sink", f.Connect("b", "out", "a", "in"), runtime.ErrUnknownEvent},
		{"duplicate slot", f.Add("c", runtime.NewRoutine("bad").Slot("x").Slot("x").Logic(nop)), runtime.ErrDuplicate},
		{"duplicate event", f.Add("c", runtime.NewRoutine("bad").Event("e").Event("e").Logic(nop)), runtime.ErrDuplicate},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, tc.err, tc.want)
		} else if !strings.HasPrefix(tc.err.Error(), "runtime: ") {
			t.Errorf("%s: error %q lacks the runtime: prefix", tc.name, tc.err)
		}
	}
	if err := f.Add("", src); err == nil {
		t.Error("Add with empty id: no error")
	}
	if err := f.Add("n", nil); err == nil {
		t.Error("Add(nil): no error")
	}
	mustConnect(t, f, "a", "out", "b", "in")
	if err := f.Connect("a", "out", "b", "in"); !errors.Is(err, runtime.ErrDuplicate) {
		t.Errorf("duplicate connection: %v", err)
	}
	mustConnect(t, f, "a", "out", "a", "in") // cycles are allowed

	r := newRuntime(t)
	mustRegister(t, r, f)
	if err := r.Register(f); !errors.Is(err, runtime.ErrDuplicate) {
		t.Errorf("Register twice: %v", err)
	}
	nologic := runtime.NewFlow("nologic")
	mustAdd(t, nologic, "x", runtime.NewRoutine("x").Slot("in"))
	if err := r.Register(nologic); err == nil {
		t.Error("Register of a routine without logic: no error")
	}
	if got := f.Routines(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Routines = %v", got)
	}
}

// The fault this fixes: downstream routines ran without an execution context.
func TestEveryActivationHasFullExecContext(t *testing.T) {
	type seen struct{ routine, flow, job, worker, jobWorker string }
	var rec recorder[seen]
	logic := func(ctx context.Context, in runtime.Input) error {
		ec, err := runtime.RequireExec(ctx)
		if err != nil {
			return err
		}
		rec.add(seen{ec.RoutineID, ec.FlowID, ec.Job.ID(), ec.Worker.ID(), ec.Job.WorkerID()})
		if j, ok := runtime.JobFromContext(ctx); !ok || j != ec.Job {
			return errors.New("JobFromContext disagrees with ExecFromContext")
		}
		return runtime.Emit(ctx, "out", in.Slot("in")[0])
	}
	stage := runtime.NewRoutine("stage").Slot("in").Event("out").Logic(logic)
	f := runtime.NewFlow("hops")
	for _, id := range []string{"first", "second", "third", "fourth"} {
		mustAdd(t, f, id, stage)
	}
	mustConnect(t, f, "first", "out", "second", "in")
	mustConnect(t, f, "second", "out", "third", "in")
	mustConnect(t, f, "third", "out", "fourth", "in")
	r := newRuntime(t)
	mustRegister(t, r, f)
	job := mustPost(t, r, "hops", "first", "in", runtime.Message{"x": 1}, runtime.WithJobID("job-42"))
	if err := waitJob(t, job); err != nil {
		t.Fatalf("job failed: %v", err)
	}
	got := rec.get()
	if len(got) != 4 {
		t.Fatalf("%d activations, want 4: %+v", len(got), got)
	}
	for i, id := range []string{"first", "second", "third", "fourth"} {
		s := got[i]
		if s.routine != id || s.flow != "hops" || s.job != "job-42" || s.worker == "" || s.worker != s.jobWorker || s.worker != job.WorkerID() {
			t.Errorf("activation %d saw %+v, want routine %q, flow hops, job job-42, worker %q", i, s, id, job.WorkerID())
		}
	}
	if job.Status() != runtime.JobCompleted || job.CompletedAt().IsZero() || job.CompletedAt().Before(job.CreatedAt()) {
		t.Errorf("status %v, completed at %v", job.Status(), job.CompletedAt())
	}
}

type counterState struct{ N int }

// counting increments its own per-routine job cell and worker cell.
var counting = runtime.NewRoutine("counting").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
	c, err := runtime.JobCell[counterState](ctx, "counter", runtime.PerRoutine)
	if err != nil {
		return err
	}
	w, err := runtime.WorkerCell[counterState](ctx, "counter", runtime.PerRoutine)
	if err != nil {
		return err
	}
	c.Update(func(s *counterState) { s.N += len(in.Slot("in")) })
	w.Update(func(s *counterState) { s.N++ })
	return runtime.Emit(ctx, "out", runtime.Message{})
})

func jobCounter(t *testing.T, job *runtime.JobContext, worker *runtime.WorkerState, routineID string) int {
	t.Helper()
	ctx := runtime.WithExec(context.Background(), &runtime.ExecContext{RoutineID: routineID, FlowID: job.FlowID(), Job: job, Worker: worker})
	c, err := runtime.JobCell[counterState](ctx, "counter", runtime.PerRoutine)
	if err != nil {
		t.Fatal(err)
	}
	defer c.RUnlock()
	return c.RLock().N
}

func TestTwoInstancesOfOneRoutineAreIndependent(t *testing.T) {
	f := runtime.NewFlow("twice")
	mustAdd(t, f, "one", counting)
	mustAdd(t, f, "two", counting)
	mustAdd(t, f, "sink", runtime.NewRoutine("sink").Slot("in").Logic(nop))
	mustConnect(t, f, "one", "out", "two", "in")
	mustConnect(t, f, "one", "out", "sink", "in")
	mustConnect(t, f, "two", "out", "sink", "in")
	// The same *Routine in a second flow is a third, independent instance.
	g := runtime.NewFlow("other")
	mustAdd(t, g, "one", counting)
	r := newRuntime(t)
	mustRegister(t, r, f)
	mustRegister(t, r, g)

	job := mustPost(t, r, "twice", "one", "in", runtime.Message{})
	job2 := mustPost(t, r, "twice", "one", "in", runtime.Message{})
	other := mustPost(t, r, "other", "one", "in", runtime.Message{})
	for _, j := range []*runtime.JobContext{job, job2, other} {
		if err := waitJob(t, j); err != nil {
			t.Fatal(err)
		}
	}
	ws := r.Workers("twice")
	if len(ws) != 1 {
		t.Fatalf("Workers(twice) = %d, want the default worker", len(ws))
	}
	if a, b := jobCounter(t, job, ws[0], "one"), jobCounter(t, job, ws[0], "two"); a != 1 || b != 1 {
		t.Errorf("job counters one=%d two=%d, want 1 and 1 (one counter each)", a, b)
	}
	// Worker state accumulates across the two jobs of the default worker,
	// per instance.
	for _, id := range []string{"one", "two"} {
		ctx := runtime.WithExec(context.Background(), &runtime.ExecContext{RoutineID: id, FlowID: "twice", Job: job, Worker: ws[0]})
		c, _ := runtime.WorkerCell[counterState](ctx, "counter", runtime.PerRoutine)
		if n := c.RLock().N; n != 2 {
			t.Errorf("worker counter of %s = %d, want 2", id, n)
		}
		c.RUnlock()
	}
	if ws[0].JobsProcessed() != 2 || ws[0].JobsFailed() != 0 {
		t.Errorf("processed %d failed %d, want 2 and 0", ws[0].JobsProcessed(), ws[0].JobsFailed())
	}
	if ow := r.Workers("other"); len(ow) != 1 || ow[0] == ws[0] || ow[0].JobsProcessed() != 1 {
		t.Errorf("flow other: workers %v", ow)
	}
}

func TestFanOutAndFanIn(t *testing.T) {
	var rec recorder[string]
	leaf := runtime.NewRoutine("leaf").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		ec, _ := runtime.ExecFromContext(ctx)
		rec.add(ec.RoutineID + ":" + in.Slot("in")[0]["v"].(string))
		return runtime.Emit(ctx, "out", runtime.Message{"from": ec.RoutineID})
	})
	var joined recorder[int]
	join := runtime.NewRoutine("join").Slot("in").Policy(runtime.BatchSize(3)).Logic(func(ctx context.Context, in runtime.Input) error {
		joined.add(len(in.Slot("in")))
		return nil
	})
	f := runtime.NewFlow("fan")
	mustAdd(t, f, "src", runtime.NewRoutine("src").Slot("in").Event("out").Logic(forward))
	mustAdd(t, f, "join", join)
	for _, id := range []string{"l1", "l2", "l3"} {
		mustAdd(t, f, id, leaf)
		mustConnect(t, f, "src", "out", id, "in")
		mustConnect(t, f, id, "out", "join", "in")
	}
	r := newRuntime(t)
	mustRegister(t, r, f)
	if err := waitJob(t, mustPost(t, r, "fan", "src", "in", runtime.Message{"v": "x"})); err != nil {
		t.Fatal(err)
	}
	got := rec.get()
	sort.Strings(got)
	if !slices.Equal(got, []string{"l1:x", "l2:x", "l3:x"}) {
		t.Errorf("leaves saw %v", got)
	}
	if j := joined.get(); !slices.Equal(j, []int{3}) {
		t.Errorf("join activations %v, want one of 3", j)
	}
}

// A loop flow: the controller feeds itself until its per-routine counter
// reaches the limit, then the job completes on its own.
func TestLoopTerminates(t *testing.T) {
	const limit = 7
	ctl := runtime.NewRoutine("ctl").Slot("in").Event("again").Event("done").Logic(func(ctx context.Context, in runtime.Input) error {
		c, err := runtime.JobCell[counterState](ctx, "counter", runtime.PerRoutine)
		if err != nil {
			return err
		}
		var n int
		c.Update(func(s *counterState) { s.N++; n = s.N })
		if n >= limit {
			return runtime.Emit(ctx, "done", runtime.Message{"n": n})
		}
		return runtime.Emit(ctx, "again", runtime.Message{"n": n})
	})
	var final recorder[int]
	f := runtime.NewFlow("loop")
	mustAdd(t, f, "ctl", ctl)
	mustAdd(t, f, "ctl2", ctl) // a second loop controller in the same flow
	mustAdd(t, f, "end", runtime.NewRoutine("end").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		final.add(in.Slot("in")[0]["n"].(int))
		return nil
	}))
	mustConnect(t, f, "ctl", "again", "ctl", "in")
	mustConnect(t, f, "ctl", "done", "ctl2", "in")
	mustConnect(t, f, "ctl2", "again", "ctl2", "in")
	mustConnect(t, f, "ctl2", "done", "end", "in")
	r := newRuntime(t)
	mustRegister(t, r, f)
	job := mustPost(t, r, "loop", "ctl", "in", runtime.Message{})
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	if got := final.get(); !slices.Equal(got, []int{limit}) {
		t.Errorf("end saw %v, want [%d]: each controller counts on its own", got, limit)
	}
}

// ≥ 1,000 concurrent jobs across 4 workers: every activation sees its own
// job, and no job's data shows up in another.
func TestConcurrentJobsDoNotLeak(t *testing.T) {
	const workers, perWorker = 4, 250
	check := func(ctx context.Context, in runtime.Input) error {
		ec, err := runtime.RequireExec(ctx)
		if err != nil {
			return err
		}
		for _, m := range in.Slot("in") {
			if m["job"] != ec.Job.Metadata()["tag"] {
				return fmt.Errorf("routine %s of job %s got a message of %v", ec.RoutineID, ec.Job.ID(), m["job"])
			}
			if m["worker"] != ec.Worker.ID() {
				return fmt.Errorf("message of worker %v ran on %s", m["worker"], ec.Worker.ID())
			}
		}
		c, err := runtime.JobCell[[]string](ctx, "seen", runtime.PerFlow)
		if err != nil {
			return err
		}
		c.Update(func(s *[]string) { *s = append(*s, ec.RoutineID+"@"+ec.Job.ID()) })
		return runtime.Emit(ctx, "out", in.Slot("in")[0])
	}
	stage := runtime.NewRoutine("stage").Slot("in").Event("out").Logic(check)
	f := runtime.NewFlow("many")
	for _, id := range []string{"a", "b", "c"} {
		mustAdd(t, f, id, stage)
	}
	mustConnect(t, f, "a", "out", "b", "in")
	mustConnect(t, f, "b", "out", "c", "in")
	r := newRuntime(t, runtime.WithWorkers(8))
	mustRegister(t, r, f)
	var ws []*runtime.WorkerState
	for range workers {
		w, err := r.Exec(t.Context(), "many")
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, w)
	}
	var jobs []*runtime.JobContext
	for i := range workers * perWorker {
		w := ws[i%workers]
		tag := fmt.Sprintf("job-%d", i)
		jobs = append(jobs, mustPost(t, r, "many", "a", "in", runtime.Message{"job": tag, "worker": w.ID()},
			runtime.OnWorker(w.ID()), runtime.WithJobID(tag), runtime.WithMetadata(runtime.Message{"tag": tag})))
	}
	waitAll(t, r)
	for _, j := range jobs {
		if j.Status() != runtime.JobCompleted {
			t.Fatalf("job %s: %v %v", j.ID(), j.Status(), j.Err())
		}
		ctx := runtime.WithJob(context.Background(), j)
		c, _ := runtime.JobCell[[]string](ctx, "seen", runtime.PerFlow)
		got := *c.RLock()
		want := []string{"a@" + j.ID(), "b@" + j.ID(), "c@" + j.ID()}
		if !slices.Equal(got, want) {
			t.Errorf("job %s saw %v, want %v", j.ID(), got, want)
		}
		c.RUnlock()
	}
	for _, w := range ws {
		if w.JobsProcessed() != perWorker || w.JobsFailed() != 0 {
			t.Errorf("worker %s processed %d failed %d, want %d and 0", w.ID(), w.JobsProcessed(), w.JobsFailed(), perWorker)
		}
	}
}

// Activations of one instance for one job never overlap; different jobs do
// run at the same time.
func TestSerializationPerInstanceAndJob(t *testing.T) {
	var inside, maxInside atomic.Int32
	var bothIn = make(chan struct{})
	var entered atomic.Int32
	slow := runtime.NewRoutine("slow").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		job, _ := runtime.JobFromContext(ctx)
		if job.Metadata()["barrier"] == true {
			if entered.Add(1) == 2 {
				close(bothIn)
			}
			select {
			case <-bothIn:
			case <-time.After(5 * time.Second):
				return errors.New("the other job never ran concurrently")
			}
			return nil
		}
		n := inside.Add(1)
		for {
			m := maxInside.Load()
			if n <= m || maxInside.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		inside.Add(-1)
		return nil
	})
	fan := runtime.NewRoutine("fan").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		for i := range 20 {
			if err := runtime.Emit(ctx, "out", runtime.Message{"i": i}); err != nil {
				return err
			}
			time.Sleep(100 * time.Microsecond)
		}
		return nil
	})
	f := runtime.NewFlow("serial")
	mustAdd(t, f, "fan", fan)
	mustAdd(t, f, "slow", slow)
	mustConnect(t, f, "fan", "out", "slow", "in")
	r := newRuntime(t, runtime.WithWorkers(4))
	mustRegister(t, r, f)
	if err := waitJob(t, mustPost(t, r, "serial", "fan", "in", runtime.Message{})); err != nil {
		t.Fatal(err)
	}
	if m := maxInside.Load(); m != 1 {
		t.Errorf("%d activations of one instance for one job overlapped", m)
	}
	a := mustPost(t, r, "serial", "slow", "in", runtime.Message{}, runtime.WithMetadata(runtime.Message{"barrier": true}))
	b := mustPost(t, r, "serial", "slow", "in", runtime.Message{}, runtime.WithMetadata(runtime.Message{"barrier": true}))
	if err := waitJob(t, a); err != nil {
		t.Error(err)
	}
	if err := waitJob(t, b); err != nil {
		t.Error(err)
	}
}

func TestPostErrorsLeaveNoJob(t *testing.T) {
	f := runtime.NewFlow("p")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	g := runtime.NewFlow("q")
	mustAdd(t, g, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	r := newRuntime(t)
	mustRegister(t, r, f)
	mustRegister(t, r, g)
	otherFlowWorker, err := r.Exec(t.Context(), "q")
	if err != nil {
		t.Fatal(err)
	}
	stopCtx, stop := context.WithCancel(context.Background())
	stopped, err := r.Exec(stopCtx, "p")
	if err != nil {
		t.Fatal(err)
	}
	stop()
	block := make(chan struct{})
	mustRegister(t, r, func() *runtime.Flow {
		h := runtime.NewFlow("block")
		mustAdd(t, h, "a", runtime.NewRoutine("a").Slot("in").Logic(func(context.Context, runtime.Input) error { <-block; return nil }))
		return h
	}())
	running := mustPost(t, r, "block", "a", "in", nil, runtime.WithJobID("busy"))

	for _, tc := range []struct {
		name                string
		flow, routine, slot string
		opts                []runtime.PostOption
		want                error
	}{
		{"unknown flow", "nope", "a", "in", nil, runtime.ErrUnknownFlow},
		{"unknown routine", "p", "nope", "in", nil, runtime.ErrUnknownRoutine},
		{"unknown slot", "p", "a", "nope", nil, runtime.ErrUnknownSlot},
		{"unknown worker", "p", "a", "in", []runtime.PostOption{runtime.OnWorker("nope")}, runtime.ErrUnknownWorker},
		{"worker of another flow", "p", "a", "in", []runtime.PostOption{runtime.OnWorker(otherFlowWorker.ID())}, runtime.ErrUnknownWorker},
		{"stopped worker", "p", "a", "in", []runtime.PostOption{runtime.OnWorker(stopped.ID())}, runtime.ErrWorkerStopped},
		{"running job id", "p", "a", "in", nil, runtime.ErrDuplicate},
	} {
		id := "ghost-" + strings.ReplaceAll(tc.name, " ", "-")
		if tc.want == runtime.ErrDuplicate {
			id = "busy"
		}
		job, err := r.Post(context.Background(), tc.flow, tc.routine, tc.slot, runtime.Message{}, append(tc.opts, runtime.WithJobID(id))...)
		if !errors.Is(err, tc.want) || job != nil {
			t.Errorf("%s: job %v, err %v, want %v", tc.name, job, err, tc.want)
		}
		if j, ok := r.Job(id); ok && j != running {
			t.Errorf("%s: a job %q was left behind", tc.name, id)
		}
	}
	if stopped.JobsProcessed() != 0 || otherFlowWorker.JobsProcessed() != 0 {
		t.Error("a failed post counted a job")
	}
	close(block)
	if err := waitJob(t, running); err != nil {
		t.Fatal(err)
	}
	waitAll(t, r)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Post(context.Background(), "p", "a", "in", nil); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("post after Close: %v", err)
	}
	if _, err := r.Exec(context.Background(), "p"); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("Exec after Close: %v", err)
	}
	if err := r.Register(runtime.NewFlow("late")); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("Register after Close: %v", err)
	}
}

func TestWait(t *testing.T) {
	release := make(chan struct{})
	var entered, done atomic.Int32
	f := runtime.NewFlow("w")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(forward))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(func(context.Context, runtime.Input) error {
		entered.Add(1)
		<-release
		done.Add(1)
		return nil
	}))
	mustConnect(t, f, "a", "out", "b", "in")
	// Two goroutines, whatever GOMAXPROCS: with one, the second job's "a"
	// would wait behind the first job's blocked "b", scheduled, and a
	// scheduled activation counts as running.
	r := newRuntime(t, runtime.WithWorkers(2))
	mustRegister(t, r, f)
	if err := r.Wait(context.Background()); err != nil {
		t.Fatalf("Wait with no jobs: %v", err)
	}
	jobs := []*runtime.JobContext{mustPost(t, r, "w", "a", "in", runtime.Message{}), mustPost(t, r, "w", "a", "in", runtime.Message{})}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := r.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait with blocked jobs: %v, want deadline exceeded", err)
	}
	if err := jobs[0].Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("JobContext.Wait with a blocked job: %v", err)
	}
	w := r.Workers("w")[0]
	for deadline := time.Now().Add(5 * time.Second); w.RoutineStatus("b") != runtime.RoutineRunning; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("status of a blocked routine: %q", w.RoutineStatus("b"))
		}
	}
	// Both "b" run, so both "a" emitted; each ends just after.
	for deadline := time.Now().Add(5 * time.Second); entered.Load() < 2 || w.RoutineStatus("a") != runtime.RoutineIdle; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("status of a routine that returned: %q (%d of 2 \"b\" entered)", w.RoutineStatus("a"), entered.Load())
		}
	}
	close(release)
	waitAll(t, r)
	if done.Load() != 2 {
		t.Errorf("Wait returned after %d of 2 jobs", done.Load())
	}
	if s := w.RoutineStatus("b"); s != runtime.RoutineIdle {
		t.Errorf("status after the jobs: %q", s)
	}
	for _, j := range jobs {
		if j.Status() != runtime.JobCompleted {
			t.Errorf("job %s: %v after Wait", j.ID(), j.Status())
		}
	}
}

func TestCloseDrainsJobsInFlight(t *testing.T) {
	var finished atomic.Int32
	f := runtime.NewFlow("c")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(forward))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Policy(runtime.TimeInterval(time.Millisecond)).Logic(func(context.Context, runtime.Input) error {
		time.Sleep(time.Millisecond)
		finished.Add(1)
		return nil
	}))
	mustConnect(t, f, "a", "out", "b", "in")
	before := goleak.IgnoreCurrent()
	r := runtime.New(runtime.WithWorkers(3))
	mustRegister(t, r, f)
	var jobs []*runtime.JobContext
	for range 50 {
		jobs = append(jobs, mustPost(t, r, "c", "a", "in", runtime.Message{}))
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.Status() != runtime.JobCompleted {
			t.Errorf("job %s: %v after Close", j.ID(), j.Status())
		}
	}
	if finished.Load() != 50 {
		t.Errorf("%d of 50 jobs ran their last routine before Close returned", finished.Load())
	}
	goleak.VerifyNone(t, before) // nothing of the runtime is left running
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestCancelStopsAJob(t *testing.T) {
	var ran atomic.Int32
	started := make(chan struct{})
	release := make(chan struct{})
	f := runtime.NewFlow("cancel")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		close(started)
		<-release
		return runtime.Emit(ctx, "out", runtime.Message{})
	}))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(func(context.Context, runtime.Input) error {
		ran.Add(1)
		return nil
	}))
	mustConnect(t, f, "a", "out", "b", "in")
	r := newRuntime(t)
	mustRegister(t, r, f)
	job := mustPost(t, r, "cancel", "a", "in", runtime.Message{})
	<-started
	job.Cancel(nil)
	close(release)
	waitAll(t, r)
	if job.Status() != runtime.JobCancelled || !errors.Is(job.Err(), context.Canceled) {
		t.Errorf("status %v err %v", job.Status(), job.Err())
	}
	if ran.Load() != 0 {
		t.Error("a routine ran after its job was cancelled")
	}
	ws := r.Workers("cancel")
	if len(ws) != 1 || ws[0].JobsProcessed() != 1 || ws[0].JobsFailed() != 1 {
		t.Errorf("worker counters after a cancelled job: %d processed", ws[0].JobsProcessed())
	}
}

// A routine without slots can be in a flow (it cannot be posted to) next to
// multi-slot routines.
func TestSlotlessRoutine(t *testing.T) {
	f := runtime.NewFlow("slotless")
	mustAdd(t, f, "src", runtime.NewRoutine("src").Slot("in").Event("out").Logic(forward))
	mustAdd(t, f, "none", runtime.NewRoutine("none").Event("x").Logic(nop))
	mustAdd(t, f, "two", runtime.NewRoutine("two").Slot("a").Slot("b").Logic(nop))
	mustConnect(t, f, "src", "out", "two", "b")
	r := newRuntime(t)
	mustRegister(t, r, f)
	if err := waitJob(t, mustPost(t, r, "slotless", "src", "in", runtime.Message{})); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Post(context.Background(), "slotless", "none", "in", nil); !errors.Is(err, runtime.ErrUnknownSlot) {
		t.Errorf("post to a slotless routine: %v", err)
	}
}

// Wait covers the jobs posted before the call, not those posted after.
func TestWaitCoversJobsPostedSoFar(t *testing.T) {
	release := map[string]chan struct{}{"first": make(chan struct{}), "second": make(chan struct{})}
	f := runtime.NewFlow("sofar")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		<-release[in.Slot("in")[0]["name"].(string)]
		return nil
	}))
	r := newRuntime(t, runtime.WithWorkers(2))
	mustRegister(t, r, f)
	first := mustPost(t, r, "sofar", "a", "in", runtime.Message{"name": "first"})
	waited := make(chan error, 1)
	go func() { waited <- r.Wait(context.Background()) }()
	time.Sleep(10 * time.Millisecond) // let Wait take its snapshot
	second := mustPost(t, r, "sofar", "a", "in", runtime.Message{"name": "second"})
	close(release["first"])
	select {
	case err := <-waited:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait waited for a job posted after it was called")
	}
	if first.Status() != runtime.JobCompleted || second.Status() != runtime.JobRunning {
		t.Errorf("first %v, second %v", first.Status(), second.Status())
	}
	close(release["second"])
	waitAll(t, r)
}

// A burst of posts from outside waits for the pool; when the post's context
// ends first, the post fails and leaves no job.
func TestPostBackpressure(t *testing.T) {
	block := make(chan struct{})
	f := runtime.NewFlow("bp")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(context.Context, runtime.Input) error {
		<-block
		return nil
	}))
	r := newRuntime(t, runtime.WithWorkers(1))
	mustRegister(t, r, f)
	var posted int
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		_, err := r.Post(ctx, "bp", "a", "in", runtime.Message{}, runtime.WithJobID(fmt.Sprint("bp-", posted)))
		cancel()
		if err != nil {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("post %d: %v", posted, err)
			}
			if _, ok := r.Job(fmt.Sprint("bp-", posted)); ok {
				t.Error("a post that timed out left a job")
			}
			break
		}
		posted++
		if posted > 100000 {
			t.Fatal("posts never waited for the pool")
		}
	}
	if posted < 100 {
		t.Errorf("posts waited after only %d jobs", posted)
	}
	close(block)
	waitAll(t, r)
	if n := r.Workers("bp")[0].JobsProcessed(); n != int64(posted) {
		t.Errorf("%d jobs processed, %d posted", n, posted)
	}
}

type ctxKey struct{}

// Activations see the values of Post's context, not its cancellation.
func TestPostContextValues(t *testing.T) {
	var rec recorder[string]
	f := runtime.NewFlow("values")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(forward))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		v, _ := ctx.Value(ctxKey{}).(string)
		rec.add(v)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return nil
	}))
	mustConnect(t, f, "a", "out", "b", "in")
	r := newRuntime(t)
	mustRegister(t, r, f)
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "trace-7"))
	job, err := r.Post(ctx, "values", "a", "in", runtime.Message{})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := waitJob(t, job); err != nil {
		t.Fatalf("job ended with its post's context: %v", err)
	}
	if got := rec.get(); !slices.Equal(got, []string{"trace-7"}) {
		t.Errorf("downstream saw %v", got)
	}
}

// Exec, Post and Close from many goroutines at once: no race, no leak, and
// every post either fails with ErrClosed or runs to its end.
func TestConcurrentExecPostClose(t *testing.T) {
	f := runtime.NewFlow("race")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(forward))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(nop))
	mustConnect(t, f, "a", "out", "b", "in")
	r := runtime.New(runtime.WithWorkers(3))
	mustRegister(t, r, f)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var jobs []*runtime.JobContext
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				var opts []runtime.PostOption
				if i%10 == 0 {
					w, err := r.Exec(context.Background(), "race")
					if errors.Is(err, runtime.ErrClosed) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					opts = append(opts, runtime.OnWorker(w.ID()))
				}
				job, err := r.Post(context.Background(), "race", "a", "in", runtime.Message{"g": g}, opts...)
				if errors.Is(err, runtime.ErrClosed) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				jobs = append(jobs, job)
				mu.Unlock()
			}
		})
	}
	time.Sleep(time.Millisecond)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for _, j := range jobs {
		if j.Status() != runtime.JobCompleted {
			t.Errorf("job %s: %v after Close", j.ID(), j.Status())
		}
	}
}

// afterJobPoster posts a job of routine "leaf" after every job of "fan":
// from a pool goroutine, with a context that is not logic's.
type afterJobPoster struct {
	runtime.NopHooks
	r     *runtime.Runtime
	fails atomic.Int64
}

func (h *afterJobPoster) AfterJob(job *runtime.JobContext) {
	if job.Metadata()["fan"] != true {
		return
	}
	for range 300 {
		// After the test's last job Close may have begun: ErrClosed.
		if _, err := h.r.Post(context.Background(), "fan", "leaf", "in", runtime.Message{}); err != nil && !errors.Is(err, runtime.ErrClosed) {
			h.fails.Add(1)
		}
	}
}

// Posts made on the pool's goroutines never wait for room in its queue,
// whatever their context: by logic that posts new jobs with
// context.Background() instead of its ctx, or by a hook. They used to
// wait for the queue to drain, which only the pool's goroutines do: a
// one-goroutine pool deadlocked, and so did Shutdown.
func TestPostFromThePoolNeverWaits(t *testing.T) {
	h := &afterJobPoster{}
	r := runtime.New(runtime.WithWorkers(1), runtime.WithHooks(h))
	h.r = r
	f := runtime.NewFlow("fan")
	mustAdd(t, f, "fan", runtime.NewRoutine("fan").Slot("in").Logic(func(ctx context.Context, _ runtime.Input) error {
		for range 1000 {
			if _, err := r.Post(context.Background(), "fan", "leaf", "in", runtime.Message{}); err != nil {
				return err
			}
		}
		return nil
	}))
	mustAdd(t, f, "leaf", runtime.NewRoutine("leaf").Slot("in").Logic(nop))
	mustRegister(t, r, f)
	for range 3 {
		job := mustPost(t, r, "fan", "fan", "in", runtime.Message{}, runtime.WithMetadata(runtime.Message{"fan": true}))
		if err := waitJob(t, job); err != nil {
			t.Fatal(err)
		}
	}
	closeWithin(t, r, 10*time.Second)
	if n := h.fails.Load(); n != 0 {
		t.Errorf("%d posts of AfterJob failed", n)
	}
}

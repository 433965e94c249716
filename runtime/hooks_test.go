package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

// recHooks records every hook call as a line and vetoes on demand.
type recHooks struct {
	runtime.NopHooks
	mu            sync.Mutex
	lines         []string
	vetoJob       bool
	vetoRoutine   string
	vetoEnqueueTo string
}

func (h *recHooks) add(format string, args ...any) {
	h.mu.Lock()
	h.lines = append(h.lines, fmt.Sprintf(format, args...))
	h.mu.Unlock()
}

func (h *recHooks) get() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.lines)
}

func (h *recHooks) WorkerStart(w *runtime.WorkerState) { h.add("worker start %s", w.FlowID()) }
func (h *recHooks) WorkerStop(w *runtime.WorkerState)  { h.add("worker stop %s", w.FlowID()) }
func (h *recHooks) BeforeJob(ctx context.Context, job *runtime.JobContext) error {
	h.add("before job %s", job.ID())
	if h.vetoJob {
		return errors.New("no jobs today")
	}
	return nil
}
func (h *recHooks) AfterJob(job *runtime.JobContext) {
	h.add("after job %s %v", job.ID(), job.Status())
}
func (h *recHooks) BeforeRoutine(ctx context.Context) error {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	h.add("before routine %s", ec.RoutineID)
	if ec.RoutineID == h.vetoRoutine {
		return errors.New("not this one")
	}
	return nil
}
func (h *recHooks) AfterRoutine(ctx context.Context, err error) {
	ec, _ := runtime.ExecFromContext(ctx)
	h.add("after routine %s err=%v", ec.RoutineID, err != nil)
}
func (h *recHooks) OnEmit(ctx context.Context, event string, payload runtime.Message) {
	ec, _ := runtime.ExecFromContext(ctx)
	h.add("emit %s.%s", ec.RoutineID, event)
}
func (h *recHooks) BeforeEnqueue(ctx context.Context, routineID, slot string, msg runtime.Message) error {
	job, ok := runtime.JobFromContext(ctx)
	if !ok {
		return errors.New("enqueue without a job")
	}
	h.add("enqueue %s.%s job=%s", routineID, slot, job.ID())
	if routineID == h.vetoEnqueueTo {
		return errors.New("full")
	}
	return nil
}

func hookFlow(t *testing.T, h *recHooks) *runtime.Runtime {
	t.Helper()
	f := runtime.NewFlow("hooks")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(forward))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(nop))
	mustConnect(t, f, "a", "out", "b", "in")
	r := runtime.New(runtime.WithHooks(h))
	mustRegister(t, r, f)
	return r
}

func TestHooks(t *testing.T) {
	h := &recHooks{}
	r := hookFlow(t, h)
	job := mustPost(t, r, "hooks", "a", "in", runtime.Message{}, runtime.WithJobID("j1"))
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"worker start hooks",
		"before job j1",
		"enqueue a.in job=j1",
		"before routine a",
		"emit a.out",
		"enqueue b.in job=j1",
		"after routine a err=false",
		"before routine b",
		"after routine b err=false",
		"after job j1 completed",
		"worker stop hooks",
	}
	got := h.get()
	// b may start before a's AfterRoutine: compare a's and b's lines apart.
	sortOf := func(lines []string) []string {
		var a, b, rest []string
		for _, l := range lines {
			switch {
			case strings.HasSuffix(l, " b") || strings.Contains(l, "routine b"):
				b = append(b, l)
			case strings.Contains(l, "routine a") || strings.Contains(l, "emit") || strings.Contains(l, "b.in"):
				a = append(a, l)
			default:
				rest = append(rest, l)
			}
		}
		return append(append(rest, a...), b...)
	}
	if !slices.Equal(sortOf(got), sortOf(want)) {
		t.Errorf("hook calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got[0] != want[0] || got[len(got)-1] != want[len(want)-1] || got[len(got)-2] != want[len(want)-2] {
		t.Errorf("worker start must come first, job end and worker stop last:\n%s", strings.Join(got, "\n"))
	}
}

func TestHookVetoes(t *testing.T) {
	t.Run("before job", func(t *testing.T) {
		h := &recHooks{vetoJob: true}
		r := hookFlow(t, h)
		defer r.Close()
		job, err := r.Post(context.Background(), "hooks", "a", "in", runtime.Message{}, runtime.WithJobID("v"))
		if job != nil || !errors.Is(err, runtime.ErrVetoed) || !strings.Contains(err.Error(), "no jobs today") {
			t.Fatalf("vetoed post: %v %v", job, err)
		}
		if _, ok := r.Job("v"); ok {
			t.Error("a vetoed job was left behind")
		}
		waitAll(t, r)
		for _, l := range h.get() {
			if strings.HasPrefix(l, "after job") || strings.HasPrefix(l, "before routine") {
				t.Errorf("vetoed job ran: %q", l)
			}
		}
		// The id is free again.
		h.mu.Lock()
		h.vetoJob = false
		h.mu.Unlock()
		if err := waitJob(t, mustPost(t, r, "hooks", "a", "in", runtime.Message{}, runtime.WithJobID("v"))); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("before enqueue of a post", func(t *testing.T) {
		h := &recHooks{vetoEnqueueTo: "a"}
		r := hookFlow(t, h)
		defer r.Close()
		if _, err := r.Post(context.Background(), "hooks", "a", "in", runtime.Message{}); !errors.Is(err, runtime.ErrVetoed) {
			t.Fatalf("post: %v", err)
		}
		waitAll(t, r)
		if ws := r.Workers("hooks"); ws[0].JobsProcessed() != 0 {
			t.Error("vetoed post counted a job")
		}
	})
	t.Run("before enqueue of an emit", func(t *testing.T) {
		h := &recHooks{vetoEnqueueTo: "b"}
		r := hookFlow(t, h)
		defer r.Close()
		job := mustPost(t, r, "hooks", "a", "in", runtime.Message{})
		err := waitJob(t, job)
		if !errors.Is(err, runtime.ErrVetoed) || !strings.Contains(err.Error(), "full") {
			t.Fatalf("job err %v: the emit's veto should reach a's logic and, unhandled, fail the job", err)
		}
		for _, l := range h.get() {
			if strings.Contains(l, "routine b") {
				t.Errorf("b ran though its enqueue was vetoed: %q", l)
			}
		}
	})
	t.Run("before routine", func(t *testing.T) {
		h := &recHooks{vetoRoutine: "b"}
		r := hookFlow(t, h)
		defer r.Close()
		err := waitJob(t, mustPost(t, r, "hooks", "a", "in", runtime.Message{}))
		if !errors.Is(err, runtime.ErrVetoed) || !strings.Contains(err.Error(), "not this one") {
			t.Fatalf("job err %v", err)
		}
	})
}

func TestWorkerStopsWithItsContext(t *testing.T) {
	h := &recHooks{}
	r := hookFlow(t, h)
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	w, err := r.Exec(ctx, "hooks")
	if err != nil {
		t.Fatal(err)
	}
	if err := waitJob(t, mustPost(t, r, "hooks", "a", "in", runtime.Message{}, runtime.OnWorker(w.ID()))); err != nil {
		t.Fatal(err)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for !slices.Contains(h.get(), "worker stop hooks") {
		if time.Now().After(deadline) {
			t.Fatal("no WorkerStop after the worker's context ended")
		}
		time.Sleep(time.Millisecond)
	}
	// The fault this fixes: a stopped worker swallowed later posts.
	if _, err := r.Post(context.Background(), "hooks", "a", "in", runtime.Message{}, runtime.OnWorker(w.ID())); !errors.Is(err, runtime.ErrWorkerStopped) {
		t.Errorf("post to a stopped worker: %v", err)
	}
	if w.JobsProcessed() != 1 {
		t.Errorf("processed %d", w.JobsProcessed())
	}
}

func TestTraceLimitDropsOldest(t *testing.T) {
	f := runtime.NewFlow("trace")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		job, err := runtime.RequireJob(ctx)
		if err != nil {
			return err
		}
		for i := range 5 {
			job.Trace("a", "step", runtime.Message{"i": i})
		}
		return nil
	}))
	r := newRuntime(t, runtime.WithTraceLimit(3))
	mustRegister(t, r, f)
	job := mustPost(t, r, "trace", "a", "in", runtime.Message{})
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, e := range job.TraceLog() {
		got = append(got, e.Details["i"].(int))
		if e.RoutineID != "a" || e.Action != "step" || e.Time.IsZero() {
			t.Errorf("entry %+v", e)
		}
	}
	if !slices.Equal(got, []int{2, 3, 4}) || job.TraceDropped() != 2 {
		t.Errorf("trace %v, dropped %d; want [2 3 4], 2", got, job.TraceDropped())
	}
}

func TestJobLogs(t *testing.T) {
	var buf bytes.Buffer
	var bufMu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(lockedWriter{&bufMu, &buf}, nil))
	stage := runtime.NewRoutine("stage").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		log := runtime.Logger(ctx).With("k", 1).WithGroup("g")
		log.Info("hello", "n", len(in.Slot("in")))
		log.Debug("detail")
		return runtime.Emit(ctx, "out", runtime.Message{})
	})
	f := runtime.NewFlow("logs")
	mustAdd(t, f, "x", stage)
	mustAdd(t, f, "y", stage)
	mustConnect(t, f, "x", "out", "y", "in")
	r := newRuntime(t, runtime.WithLogger(logger), runtime.WithLogLimit(3))
	mustRegister(t, r, f)
	job := mustPost(t, r, "logs", "x", "in", runtime.Message{}, runtime.WithJobID("logged"))
	other := mustPost(t, r, "logs", "x", "in", runtime.Message{})
	waitAll(t, r)
	logs := job.Logs()
	if len(logs) != 3 || job.LogsDropped() != 1 {
		t.Fatalf("%d logs, %d dropped; want 3 kept of 4", len(logs), job.LogsDropped())
	}
	last := logs[1]
	if last.RoutineID != "y" || last.Message != "hello" || last.Level != slog.LevelInfo {
		t.Errorf("log entry %+v", last)
	}
	attrs := map[string]any{}
	for _, a := range last.Attrs {
		attrs[a.Key] = a.Value.Any()
	}
	if attrs["k"] != int64(1) || attrs["g.n"] != int64(1) {
		t.Errorf("attrs %v", attrs)
	}
	if len(other.Logs()) != 3 {
		t.Errorf("the other job has %d logs: logs leak between jobs", len(other.Logs()))
	}
	bufMu.Lock()
	defer bufMu.Unlock()
	var hellos int
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if rec["msg"] == "hello" && rec["job_id"] == "logged" {
			hellos++
			if rec["routine_id"] != "x" && rec["routine_id"] != "y" || rec["flow_id"] != "logs" {
				t.Errorf("forwarded record %v", rec)
			}
		}
		if rec["msg"] == "detail" {
			t.Error("debug record forwarded past the handler's level")
		}
	}
	if hellos != 2 {
		t.Errorf("%d forwarded records of job logged, want 2:\n%s", hellos, buf.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func TestEmitOutsideLogic(t *testing.T) {
	if err := runtime.Emit(context.Background(), "x", nil); !errors.Is(err, runtime.ErrNoRoutine) {
		t.Errorf("Emit on a bare context: %v", err)
	}
	// A runtimetest context stands for a flow: Emit records (see
	// runtimetest.Emitted).
	ctx, _, _ := runtimetest.NewContext(t, "r")
	if err := runtime.Emit(ctx, "x", nil); err != nil {
		t.Errorf("Emit on a runtimetest context: %v", err)
	}
	leaked := make(chan context.Context, 1)
	f := runtime.NewFlow("emit")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		if err := runtime.Emit(ctx, "undeclared", nil); !errors.Is(err, runtime.ErrUnknownEvent) {
			return fmt.Errorf("undeclared event: %v", err)
		}
		if err := runtime.Emit(ctx, "out", nil); err != nil { // declared, not connected
			return fmt.Errorf("unconnected event: %v", err)
		}
		leaked <- ctx
		return nil
	}))
	r := newRuntime(t)
	mustRegister(t, r, f)
	if err := waitJob(t, mustPost(t, r, "emit", "a", "in", runtime.Message{})); err != nil {
		t.Fatal(err)
	}
	if err := runtime.Emit(<-leaked, "out", nil); !errors.Is(err, runtime.ErrNoRoutine) {
		t.Errorf("Emit after the logic returned: %v", err)
	}
}

// A context kept past its logic cannot emit, not even once the runtime has
// reused the finished job's scheduling state for later jobs.
func TestStaleContextCannotReachLaterJobs(t *testing.T) {
	kept := make(chan context.Context, 1)
	var got recorder[string]
	f := runtime.NewFlow("stale")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		if in.Slot("in")[0]["keep"] == true {
			kept <- ctx
		}
		return runtime.Emit(ctx, "out", in.Slot("in")[0])
	}))
	mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		job, _ := runtime.JobFromContext(ctx)
		for _, m := range in.Slot("in") {
			got.add(fmt.Sprint(job.ID(), ":", m["tag"]))
		}
		return nil
	}))
	mustConnect(t, f, "a", "out", "b", "in")
	r := newRuntime(t, runtime.WithWorkers(1))
	mustRegister(t, r, f)
	first := mustPost(t, r, "stale", "a", "in", runtime.Message{"keep": true, "tag": "first"}, runtime.WithJobID("j0"))
	if err := waitJob(t, first); err != nil {
		t.Fatal(err)
	}
	stale := <-kept
	waitAll(t, r)
	for i := range 20 {
		id := fmt.Sprint("j", i+1)
		mustPost(t, r, "stale", "a", "in", runtime.Message{"tag": id}, runtime.WithJobID(id))
		if err := runtime.Emit(stale, "out", runtime.Message{"tag": "stale"}); !errors.Is(err, runtime.ErrNoRoutine) {
			t.Fatalf("stale emit: %v", err)
		}
	}
	waitAll(t, r)
	for _, g := range got.get() {
		id, tag, _ := strings.Cut(g, ":")
		if id != tag && !(id == "j0" && tag == "first") {
			t.Errorf("job %s received %q", id, tag)
		}
	}
	if n := len(got.get()); n != 21 {
		t.Errorf("%d deliveries, want 21", n)
	}
	if ec, ok := runtime.ExecFromContext(stale); !ok || ec.Job != first || ec.RoutineID != "a" {
		t.Errorf("a kept context changed identity: %+v", ec)
	}
}

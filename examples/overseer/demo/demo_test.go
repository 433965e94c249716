package demo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/routigen/routigen/examples/overseer/demo"
	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

func newRuntime(t *testing.T) *runtime.Runtime {
	t.Helper()
	rt := runtime.New(runtime.WithWorkers(4))
	t.Cleanup(func() {
		if err := rt.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		goleak.VerifyNone(t)
	})
	return rt
}

func register(t *testing.T, rt *runtime.Runtime, build func() (*runtime.Flow, error)) {
	t.Helper()
	f, err := build()
	if err != nil {
		t.Fatalf("build flow: %v", err)
	}
	if err := rt.Register(f); err != nil {
		t.Fatalf("register flow: %v", err)
	}
}

func post(t *testing.T, rt *runtime.Runtime, flow, routine, slot string, data runtime.Message, opts ...runtime.PostOption) *runtime.JobContext {
	t.Helper()
	job, err := rt.Post(t.Context(), flow, routine, slot, data, opts...)
	if err != nil {
		t.Fatalf("post to %s.%s.%s: %v", flow, routine, slot, err)
	}
	return job
}

func wait(t *testing.T, job *runtime.JobContext) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := job.Wait(ctx); err != nil {
		t.Fatalf("job %s: %s: %v", job.ID(), job.Status(), err)
	}
}

// Every demo flow runs to completion with the outcome its scenario expects,
// and the printers print what they received.
func TestRunAll(t *testing.T) {
	defer goleak.VerifyNone(t)
	var out bytes.Buffer
	var names []string
	var summaries []string
	err := demo.RunAll(t.Context(), demo.Options{Out: &out, Delay: 30 * time.Millisecond, Ticks: 3, Tick: 5 * time.Millisecond}, 4,
		func(sc demo.Scenario) { names = append(names, sc.Name) },
		func(res demo.Result) {
			if res.Err != nil {
				t.Errorf("%v", res.Err)
			}
			summaries = append(summaries, res.Summary)
		})
	if err != nil {
		t.Fatalf("RunAll: %v", err)
	}
	if got, want := strings.Join(names, ", "), "simple pipeline, batch processing, countdown, loop, data pipeline"; got != want {
		t.Errorf("scenarios %q, want %q", got, want)
	}
	for _, want := range []string{
		"simple_pipeline-1 printer: delayed_ms=30 message=hello, routigen\n",
		"batch_processing-1 printer: batch_number=1 items=[1 2 3] size=3\n",
		"batch_processing-1 printer: batch_number=2 items=[4 5 6] size=3\n",
		"batch_processing-1 printer: batch_number=3 items=[7 8 9] size=3\n",
		"progress=1 remaining=0\n",
		"countdown-1 printer: elapsed=",
		"total=3\n",
		"loop_flow-1 printer: iteration=5 reason=condition_met value=10\n",
		"loop_flow-2 printer: iteration=10 reason=max_iterations_reached value=-90\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed output lacks %q; got:\n%s", want, out.String())
		}
	}
	if len(summaries) != 5 || !strings.Contains(summaries[1], "#1[1 2 3] #2[4 5 6] #3[7 8 9]") {
		t.Errorf("summaries %q", summaries)
	}
}

// The loop flow terminates for every start value, with the iteration count
// of each of many concurrent jobs kept apart in job-scope state.
func TestLoopFlowConcurrentJobs(t *testing.T) {
	rt := newRuntime(t)
	register(t, rt, func() (*runtime.Flow, error) { return demo.LoopFlow(demo.Options{}) })
	const jobs = 60
	starts := make([]int, jobs)
	posted := make([]*runtime.JobContext, jobs)
	for i := range jobs {
		starts[i] = i - 30 // -30 … 29
		posted[i] = post(t, rt, demo.LoopID, "echo", "trigger", runtime.Message{"value": starts[i]})
	}
	for i, job := range posted {
		wait(t, job)
		s := starts[i]
		wantIter := min(max(10-s, 1), 10)
		wantReason := demo.ReasonConditionMet
		if s+wantIter < 10 {
			wantReason = demo.ReasonMaxIterations
		}
		done := demo.Entries(job, "controller", demo.ActionDone)
		if len(done) != 1 {
			t.Fatalf("start %d: %d done entries, want 1", s, len(done))
		}
		d := done[0].Details
		if d["iteration"] != wantIter || d["reason"] != wantReason || d["value"] != s+wantIter {
			t.Errorf("start %d: done %v, want iteration=%d reason=%s value=%d", s, d, wantIter, wantReason, s+wantIter)
		}
		if n := len(demo.Entries(job, "controller", demo.ActionContinued)); n != wantIter-1 {
			t.Errorf("start %d: %d continues, want %d", s, n, wantIter-1)
		}
	}
}

// Counters count per routine instance and across the jobs of a worker; a
// new worker starts from zero.
func TestCounterWorkerScope(t *testing.T) {
	rt := newRuntime(t)
	register(t, rt, func() (*runtime.Flow, error) { return demo.DataPipeline(demo.Options{}) })
	for i := 1; i <= 3; i++ {
		job := post(t, rt, demo.DataPipelineID, "source", "trigger", runtime.Message{"count": 4})
		wait(t, job)
		// values 2 4 6 8: "seen" counts 4 a job, "kept" (≥ 6) 2.
		if seen, kept := demo.MaxCount(job, "seen"), demo.MaxCount(job, "kept"); seen != int64(4*i) || kept != int64(2*i) {
			t.Errorf("default worker, job %d: seen=%d kept=%d, want %d and %d", i, seen, kept, 4*i, 2*i)
		}
	}
	ws, err := rt.Exec(t.Context(), demo.DataPipelineID)
	if err != nil {
		t.Fatal(err)
	}
	job := post(t, rt, demo.DataPipelineID, "source", "trigger", runtime.Message{"count": 4}, runtime.OnWorker(ws.ID()))
	wait(t, job)
	if seen, kept := demo.MaxCount(job, "seen"), demo.MaxCount(job, "kept"); seen != 4 || kept != 2 {
		t.Errorf("new worker: seen=%d kept=%d, want 4 and 2", seen, kept)
	}
	// The sink's job-scope state starts afresh with every job.
	var stored []string
	for _, e := range demo.Entries(job, "sink", demo.ActionStored) {
		stored = append(stored, fmt.Sprint(e.Details["value"], "/", e.Details["total"]))
	}
	if got := strings.Join(stored, " "); got != "6/1 8/2" {
		t.Errorf("sink stored %s, want 6/1 8/2", got)
	}
}

// A batch takes exactly three values; what is left when the job has nothing
// else to do is dropped (and traced by the runtime), not mixed into another
// job's batch.
func TestBatchOfThree(t *testing.T) {
	rt := newRuntime(t)
	var out bytes.Buffer
	register(t, rt, func() (*runtime.Flow, error) { return demo.BatchProcessing(demo.Options{Out: &out}) })
	a := post(t, rt, demo.BatchProcessingID, "echo", "input", runtime.Message{"items": []string{"a", "b", "c", "d", "e", "f", "g"}})
	b := post(t, rt, demo.BatchProcessingID, "echo", "input", runtime.Message{"items": []int{1, 2, 3}})
	wait(t, a)
	wait(t, b)
	var got []string
	for _, e := range demo.Entries(a, "batcher", demo.ActionBatched) {
		got = append(got, fmt.Sprint(e.Details["items"]))
	}
	if strings.Join(got, " ") != "[a b c] [d e f]" {
		t.Errorf("job a batches %v, want [a b c] [d e f]", got)
	}
	if n := len(demo.Entries(a, "batcher", "dropped")); n != 1 {
		t.Errorf("job a: %d dropped entries, want 1 (for g)", n)
	}
	got = nil
	for _, e := range demo.Entries(b, "batcher", demo.ActionBatched) {
		got = append(got, fmt.Sprintf("%v%v", e.Details["batch_number"], e.Details["items"]))
	}
	if strings.Join(got, " ") != "1[1 2 3]" {
		t.Errorf("job b batches %v, want 1[1 2 3]", got)
	}
	if n := strings.Count(out.String(), " printer: batch_number="); n != 3 {
		t.Errorf("printer printed %d batches, want 3:\n%s", n, out.String())
	}
}

// The delay routine waits the configured time before passing the message on.
func TestSimplePipelineDelay(t *testing.T) {
	rt := newRuntime(t)
	var out bytes.Buffer
	const d = 80 * time.Millisecond
	register(t, rt, func() (*runtime.Flow, error) { return demo.SimplePipeline(demo.Options{Out: &out, Delay: d}) })
	job := post(t, rt, demo.SimplePipelineID, "echo", "trigger", runtime.Message{"n": 1})
	wait(t, job)
	if took := job.CompletedAt().Sub(job.CreatedAt()); took < d {
		t.Errorf("job took %v, want at least %v", took, d)
	}
	want := job.ID() + " printer: delayed_ms=80 n=1\n"
	if !strings.Contains(out.String(), want) {
		t.Errorf("output %q lacks %q", out.String(), want)
	}
	if demo.DefaultDelay != time.Second {
		t.Errorf("DefaultDelay = %v, want 1s", demo.DefaultDelay)
	}
}

// The countdown ticks remaining/elapsed/progress, and the start message may
// change the number of ticks.
func TestCountdown(t *testing.T) {
	rt := newRuntime(t)
	register(t, rt, func() (*runtime.Flow, error) {
		return demo.CountdownFlow(demo.Options{Ticks: 2, Tick: 10 * time.Millisecond})
	})
	for _, tc := range []struct {
		data  runtime.Message
		ticks int
	}{{runtime.Message{}, 2}, {runtime.Message{"ticks": 4}, 4}} {
		job := post(t, rt, demo.CountdownID, "countdown", "start", tc.data)
		wait(t, job)
		ticked := demo.Entries(job, "countdown", demo.ActionTicked)
		if len(ticked) != tc.ticks {
			t.Fatalf("%v: %d ticks, want %d", tc.data, len(ticked), tc.ticks)
		}
		for i, e := range ticked {
			if e.Details["remaining"] != tc.ticks-i-1 || e.Details["progress"] != float64(i+1)/float64(tc.ticks) {
				t.Errorf("%v: tick %d = %v", tc.data, i+1, e.Details)
			}
			elapsed, err := time.ParseDuration(e.Details["elapsed"].(string))
			if err != nil || elapsed < time.Duration(i+1)*10*time.Millisecond {
				t.Errorf("%v: tick %d elapsed %v, want at least %v", tc.data, i+1, e.Details["elapsed"], time.Duration(i+1)*10*time.Millisecond)
			}
		}
	}
	job := post(t, rt, demo.CountdownID, "countdown", "start", runtime.Message{"ticks": "many"})
	if err := job.Wait(t.Context()); err == nil || !strings.Contains(err.Error(), "positive integer") {
		t.Errorf("bad ticks: job error %v, want a failure", err)
	}
}

// Filter, transformer, source and sink, and the data processor's transform.
func TestDataRoutines(t *testing.T) {
	rt := newRuntime(t)
	f := runtime.NewFlow("data")
	for _, add := range []struct {
		id string
		r  *runtime.Routine
	}{
		{"source", demo.Source(0)},
		{"square", demo.Transformer("square")},
		{"negate", demo.Processor(func(m runtime.Message) (runtime.Message, error) {
			m["value"] = -m["value"].(int)
			return m, nil
		})},
		{"filter", demo.Filter(-4)},
		{"kept", demo.Sink()},
		{"dropped", demo.Sink()},
	} {
		if err := f.Add(add.id, add.r); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range [][4]string{
		{"source", "data", "square", "input"},
		{"square", "output", "negate", "input"},
		{"negate", "output", "filter", "input"},
		{"filter", "passed", "kept", "input"},
		{"filter", "rejected", "dropped", "input"},
	} {
		if err := f.Connect(c[0], c[1], c[2], c[3]); err != nil {
			t.Fatal(err)
		}
	}
	if err := rt.Register(f); err != nil {
		t.Fatal(err)
	}
	values := func(job *runtime.JobContext, sink string) string {
		var s []string
		for _, e := range demo.Entries(job, sink, demo.ActionStored) {
			s = append(s, fmt.Sprint(e.Details["value"]))
		}
		return strings.Join(s, " ")
	}
	// Default count 3: 1 2 3 → 1 4 9 → -1 -4 -9; kept: >= -4.
	job := post(t, rt, "data", "source", "trigger", runtime.Message{})
	wait(t, job)
	if k, d := values(job, "kept"), values(job, "dropped"); k != "-1 -4" || d != "-9" {
		t.Errorf("kept %q dropped %q, want \"-1 -4\" and \"-9\"", k, d)
	}
	job = post(t, rt, "data", "source", "trigger", runtime.Message{"count": 1})
	wait(t, job)
	if k := values(job, "kept"); k != "-1" {
		t.Errorf("count 1: kept %q, want -1", k)
	}
}

// Routine errors fail the job: an unknown transformation, a non-numeric
// value for the filter.
func TestRoutineErrorsFailTheJob(t *testing.T) {
	rt := newRuntime(t)
	f := runtime.NewFlow("bad")
	if err := errors.Join(
		f.Add("upper", demo.Transformer("upper")),
		f.Add("nope", demo.Transformer("no-such-thing")),
		f.Add("filter", demo.Filter(1)),
		f.Add("sink", demo.Sink()),
		f.Connect("upper", "output", "sink", "input"),
	); err != nil {
		t.Fatal(err)
	}
	if err := rt.Register(f); err != nil {
		t.Fatal(err)
	}
	ok := post(t, rt, "bad", "upper", "input", runtime.Message{"value": "shout"})
	wait(t, ok)
	if got := demo.Entries(ok, "sink", demo.ActionStored); len(got) != 1 || got[0].Details["value"] != "SHOUT" {
		t.Errorf("upper: stored %v", got)
	}
	for _, tc := range []struct {
		routine string
		data    runtime.Message
		want    string
	}{
		{"nope", runtime.Message{"value": 1}, `unknown transformation "no-such-thing"`},
		{"upper", runtime.Message{"value": 1}, "is not a string"},
		{"filter", runtime.Message{"value": "x"}, "is not a number"},
	} {
		job := post(t, rt, "bad", tc.routine, "input", tc.data)
		err := job.Wait(t.Context())
		if err == nil || !strings.Contains(err.Error(), tc.want) || job.Status() != runtime.JobFailed {
			t.Errorf("%s %v: status %s, error %v, want failed with %q", tc.routine, tc.data, job.Status(), err, tc.want)
		}
	}
}

// Generated accessors fail fast without a job or activation, and two
// routine ids of one job see separate job-scope state.
func TestGeneratedState(t *testing.T) {
	bg := context.Background()
	if _, err := demo.LoopStateOf(bg); !errors.Is(err, runtime.ErrNoJob) {
		t.Errorf("LoopStateOf(no job) error %v, want ErrNoJob", err)
	}
	if _, err := demo.CounterStateOf(bg); !errors.Is(err, runtime.ErrNoRoutine) {
		t.Errorf("CounterStateOf(no activation) error %v, want ErrNoRoutine", err)
	}

	ctxA, _, _ := runtimetest.NewContext(t, "loop_a")
	ctxB := runtimetest.WithRoutine(ctxA, "loop_b")
	a, err := demo.LoopStateOf(ctxA)
	if err != nil {
		t.Fatal(err)
	}
	b, err := demo.LoopStateOf(ctxB)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { a.Update(func(s *demo.LoopState) { s.Iteration++ }) })
		wg.Go(func() { b.Update(func(s *demo.LoopState) { s.Iteration += 2 }) })
	}
	wg.Wait()
	if a.Iteration() != 50 || b.Iteration() != 100 {
		t.Errorf("iterations a=%d b=%d, want 50 and 100", a.Iteration(), b.Iteration())
	}
	if a.Key() == b.Key() || !strings.Contains(a.Key(), "loop_a") {
		t.Errorf("keys %q and %q: want distinct, namespaced by routine id", a.Key(), b.Key())
	}
}

func TestFormatMessage(t *testing.T) {
	got := demo.FormatMessage(runtime.Message{"b": 2, "a": "x", "c": []int{1}})
	if want := "a=x b=2 c=[1]"; got != want {
		t.Errorf("FormatMessage = %q, want %q", got, want)
	}
}

// The defaults: a loop controller stops after 5 iterations, a batch takes
// 3, a source makes 3 values; echo echoes its trigger and input slots alike.
func TestDefaults(t *testing.T) {
	rt := newRuntime(t)
	f := runtime.NewFlow("defaults")
	if err := errors.Join(
		f.Add("echo", demo.Echo()),
		f.Add("processor", demo.Processor(demo.AddToValue(1))),
		f.Add("controller", demo.LoopController(demo.LoopConfig{})),
		f.Add("source", demo.Source(0)),
		f.Add("batcher", demo.Batch(0)),
		f.Add("sink", demo.Sink()),
		f.Connect("echo", "output", "processor", "input"),
		f.Connect("processor", "output", "controller", "input"),
		f.Connect("controller", "continue", "processor", "input"),
		f.Connect("controller", "done", "sink", "input"),
		f.Connect("source", "data", "batcher", "input"),
		f.Connect("batcher", "batch", "sink", "input"),
	); err != nil {
		t.Fatal(err)
	}
	if err := rt.Register(f); err != nil {
		t.Fatal(err)
	}
	for _, slot := range []string{"trigger", "input"} {
		job := post(t, rt, "defaults", "echo", slot, runtime.Message{"value": 0})
		wait(t, job)
		if n := len(demo.Entries(job, "echo", demo.ActionEchoed)); n != 1 {
			t.Errorf("echo.%s: echoed %d times, want 1", slot, n)
		}
		done := demo.Entries(job, "controller", demo.ActionDone)
		if len(done) != 1 || done[0].Details["iteration"] != demo.DefaultMaxIterations || done[0].Details["reason"] != demo.ReasonMaxIterations {
			t.Errorf("echo.%s: controller done %v, want iteration 5, max_iterations_reached", slot, done)
		}
		if stored := demo.Entries(job, "sink", demo.ActionStored); len(stored) != 1 || stored[0].Details["value"] != 5 {
			t.Errorf("echo.%s: sink stored %v, want value 5", slot, stored)
		}
	}
	job := post(t, rt, "defaults", "source", "trigger", runtime.Message{})
	wait(t, job)
	batches := demo.Entries(job, "batcher", demo.ActionBatched)
	if len(batches) != 1 || fmt.Sprint(batches[0].Details["items"]) != "[1 2 3]" {
		t.Errorf("source → batch: %v, want one batch [1 2 3]", batches)
	}
}

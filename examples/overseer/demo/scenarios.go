package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/routigen/routigen/runtime"
)

// Post is one job a scenario posts.
type Post struct {
	Routine, Slot string
	Data          runtime.Message
}

// Scenario is a demo flow with the jobs to post to it and what they must do.
type Scenario struct {
	Name        string
	Description string
	FlowID      string
	Build       func() (*runtime.Flow, error)
	Posts       []Post
	// Check inspects the finished jobs (in post order, all completed) and
	// returns a one-line summary of what they did, or what went wrong.
	Check func(jobs []*runtime.JobContext) (string, error)
}

// SyncWriter returns w with its writes serialised, for printers of flows
// that run at the same time and share one writer.
func SyncWriter(w io.Writer) io.Writer { return lockedWriter(w) }

// Scenarios returns the demo: the four flows of the original overseer demo
// (simple pipeline, batch processing, countdown, loop) and a data pipeline
// that puts the remaining routines — source, transformer, counter, filter,
// sink — to work, each with the jobs to post and the outcome to expect.
func Scenarios(o Options) []Scenario {
	if o.Out != nil {
		o.Out = lockedWriter(o.Out)
	}
	delay := o.Delay
	if delay == 0 {
		delay = DefaultDelay
	}
	ticks := o.Ticks
	if ticks <= 0 {
		ticks = DefaultTicks
	}
	return []Scenario{
		{
			Name:        "simple pipeline",
			Description: "echo → delay → printer",
			FlowID:      SimplePipelineID,
			Build:       func() (*runtime.Flow, error) { return SimplePipeline(o) },
			Posts:       []Post{{"echo", "trigger", runtime.Message{"message": "hello, routigen"}}},
			Check: func(jobs []*runtime.JobContext) (string, error) {
				job := jobs[0]
				printed := Entries(job, "printer", ActionPrinted)
				if len(printed) != 1 {
					return "", fmt.Errorf("printer printed %d messages, want 1", len(printed))
				}
				want := fmt.Sprintf("delayed_ms=%d message=hello, routigen", delay.Milliseconds())
				if got := printed[0].Details["line"]; got != want {
					return "", fmt.Errorf("printer printed %q, want %q", got, want)
				}
				if took := job.CompletedAt().Sub(job.CreatedAt()); took < delay {
					return "", fmt.Errorf("job took %v, less than the %v delay", took, delay)
				}
				return fmt.Sprintf("the message reached the printer after a %v delay", delay), nil
			},
		},
		{
			Name:        "batch processing",
			Description: "echo → batch of 3 → printer",
			FlowID:      BatchProcessingID,
			Build:       func() (*runtime.Flow, error) { return BatchProcessing(o) },
			Posts:       []Post{{"echo", "input", runtime.Message{"items": []int{1, 2, 3, 4, 5, 6, 7, 8, 9}}}},
			Check: func(jobs []*runtime.JobContext) (string, error) {
				batches := Entries(jobs[0], "batcher", ActionBatched)
				var got []string
				for _, e := range batches {
					got = append(got, fmt.Sprintf("#%v%v", e.Details["batch_number"], e.Details["items"]))
				}
				want := []string{"#1[1 2 3]", "#2[4 5 6]", "#3[7 8 9]"}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					return "", fmt.Errorf("batches %v, want %v", got, want)
				}
				if n := len(Entries(jobs[0], "printer", ActionPrinted)); n != 3 {
					return "", fmt.Errorf("printer printed %d batches, want 3", n)
				}
				return "nine values went out as three batches of three: " + strings.Join(got, " "), nil
			},
		},
		{
			Name:        "countdown",
			Description: "countdown → printer",
			FlowID:      CountdownID,
			Build:       func() (*runtime.Flow, error) { return CountdownFlow(o) },
			Posts:       []Post{{"countdown", "start", runtime.Message{"ticks": ticks}}},
			Check: func(jobs []*runtime.JobContext) (string, error) {
				ticked := Entries(jobs[0], "countdown", ActionTicked)
				if len(ticked) != ticks {
					return "", fmt.Errorf("countdown ticked %d times, want %d", len(ticked), ticks)
				}
				for i, e := range ticked {
					wantRemaining, wantProgress := ticks-i-1, float64(i+1)/float64(ticks)
					if e.Details["remaining"] != wantRemaining || e.Details["progress"] != wantProgress {
						return "", fmt.Errorf("tick %d: remaining=%v progress=%v, want %d and %v",
							i+1, e.Details["remaining"], e.Details["progress"], wantRemaining, wantProgress)
					}
				}
				if n := len(Entries(jobs[0], "countdown", ActionCompleted)); n != 1 {
					return "", fmt.Errorf("countdown completed %d times, want 1", n)
				}
				if n := len(Entries(jobs[0], "printer", ActionPrinted)); n != ticks+1 {
					return "", fmt.Errorf("printer printed %d lines, want %d ticks and the completion", n, ticks)
				}
				return fmt.Sprintf("%d ticks, remaining %d → 0, progress → 1, then complete", ticks, ticks-1), nil
			},
		},
		{
			Name:        "loop",
			Description: "echo → processor (value+1) → controller (max 10, exit when value ≥ 10); continue → processor, done → printer",
			FlowID:      LoopID,
			Build:       func() (*runtime.Flow, error) { return LoopFlow(o) },
			Posts: []Post{
				{"echo", "trigger", runtime.Message{"value": 5}},
				{"echo", "trigger", runtime.Message{"value": -100}},
			},
			Check: func(jobs []*runtime.JobContext) (string, error) {
				want := []struct {
					iteration, value int
					reason           string
				}{{5, 10, ReasonConditionMet}, {10, -90, ReasonMaxIterations}}
				var parts []string
				for i, job := range jobs {
					done := Entries(job, "controller", ActionDone)
					if len(done) != 1 {
						return "", fmt.Errorf("job %d: controller finished %d times, want 1", i+1, len(done))
					}
					d, w := done[0].Details, want[i]
					if d["iteration"] != w.iteration || d["value"] != w.value || d["reason"] != w.reason {
						return "", fmt.Errorf("job %d: done after iteration %v with value %v (%v), want %d, %d (%s)",
							i+1, d["iteration"], d["value"], d["reason"], w.iteration, w.value, w.reason)
					}
					if n := len(Entries(job, "processor", ActionProcessed)); n != w.iteration {
						return "", fmt.Errorf("job %d: processor ran %d times, want %d", i+1, n, w.iteration)
					}
					if n := len(Entries(job, "printer", ActionPrinted)); n != 1 {
						return "", fmt.Errorf("job %d: printer printed %d lines, want 1", i+1, n)
					}
					parts = append(parts, fmt.Sprintf("%d iterations (%s)", w.iteration, w.reason))
				}
				return "the loop terminated: " + strings.Join(parts, ", "), nil
			},
		},
		{
			Name:        "data pipeline",
			Description: "source → transformer (double) → counter seen → filter (≥ 6) → counter kept → sink",
			FlowID:      DataPipelineID,
			Build:       func() (*runtime.Flow, error) { return DataPipeline(o) },
			Posts: []Post{
				{"source", "trigger", runtime.Message{"count": 5}},
				{"source", "trigger", runtime.Message{"count": 5}},
			},
			Check: func(jobs []*runtime.JobContext) (string, error) {
				for i, job := range jobs {
					// Worker scope: each counter instance keeps counting
					// across the jobs of the worker, apart from the other.
					seen, kept := MaxCount(job, "seen"), MaxCount(job, "kept")
					if seen != int64(5*(i+1)) || kept != int64(3*(i+1)) {
						return "", fmt.Errorf("job %d: counters seen=%d kept=%d, want %d and %d", i+1, seen, kept, 5*(i+1), 3*(i+1))
					}
					// Job scope: the sink starts afresh with every job.
					var stored []string
					for _, e := range Entries(job, "sink", ActionStored) {
						stored = append(stored, fmt.Sprint(e.Details["value"]))
					}
					if strings.Join(stored, " ") != "6 8 10" {
						return "", fmt.Errorf("job %d: sink stored %v, want [6 8 10]", i+1, stored)
					}
					if n := len(Entries(job, "filter", ActionRejected)); n != 2 {
						return "", fmt.Errorf("job %d: filter rejected %d values, want 2", i+1, n)
					}
				}
				return "counters seen=5,10 and kept=3,6 across the two jobs; the sink stored [6 8 10] in each", nil
			},
		},
	}
}

// Result is what running one scenario gave.
type Result struct {
	Scenario Scenario
	Jobs     []*runtime.JobContext
	Summary  string
	Err      error
}

// Run registers the scenario's flow on rt, posts its jobs one after the
// other (each waited for, so worker state accumulates in order), and checks
// the outcome. Res.Err is nil only if every job completed and the check
// passed.
func Run(ctx context.Context, rt *runtime.Runtime, sc Scenario) Result {
	res := Result{Scenario: sc}
	flow, err := sc.Build()
	if err != nil {
		res.Err = fmt.Errorf("%s: build flow: %w", sc.Name, err)
		return res
	}
	if err := rt.Register(flow); err != nil {
		res.Err = fmt.Errorf("%s: register flow: %w", sc.Name, err)
		return res
	}
	for i, p := range sc.Posts {
		job, err := rt.Post(ctx, sc.FlowID, p.Routine, p.Slot, p.Data,
			runtime.WithJobID(fmt.Sprintf("%s-%d", sc.FlowID, i+1)))
		if err != nil {
			res.Err = fmt.Errorf("%s: post job %d: %w", sc.Name, i+1, err)
			return res
		}
		res.Jobs = append(res.Jobs, job)
		if err := job.Wait(ctx); err != nil {
			res.Err = fmt.Errorf("%s: job %s %s: %w", sc.Name, job.ID(), job.Status(), err)
			return res
		}
	}
	res.Summary, res.Err = sc.Check(res.Jobs)
	if res.Err != nil {
		res.Err = fmt.Errorf("%s: %w", sc.Name, res.Err)
	}
	return res
}

// RunAll runs every scenario on a fresh runtime with workers logic
// goroutines, one after the other, and closes the runtime. It calls start
// (if not nil) before each scenario and report (if not nil) after. The
// error joins every scenario's error.
func RunAll(ctx context.Context, o Options, workers int, start func(Scenario), report func(Result)) (err error) {
	if o.Out != nil {
		o.Out = lockedWriter(o.Out)
	}
	rt := runtime.New(runtime.WithWorkers(workers))
	defer func() { err = errors.Join(err, rt.Close()) }()
	var errs []error
	for _, sc := range Scenarios(o) {
		if start != nil {
			start(sc)
		}
		res := Run(ctx, rt, sc)
		if report != nil {
			report(res)
		}
		errs = append(errs, res.Err)
	}
	return errors.Join(errs...)
}

// Entries returns the entries of job's trace log that routineID recorded
// with action, oldest first.
func Entries(job *runtime.JobContext, routineID, action string) []runtime.TraceEntry {
	var out []runtime.TraceEntry
	for _, e := range job.TraceLog() {
		if e.RoutineID == routineID && e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// MaxCount returns the highest count counter routineID recorded in job.
func MaxCount(job *runtime.JobContext, routineID string) int64 {
	var max int64
	for _, e := range Entries(job, routineID, ActionCounted) {
		if n, ok := e.Details["count"].(int64); ok && n > max {
			max = n
		}
	}
	return max
}

// WriteTrace writes job's trace log to w, one indented line per entry:
// time since the job was created, routine id, action and details. The
// runtime's own entries (a dropped message, an error) are included.
func WriteTrace(w io.Writer, job *runtime.JobContext) {
	for _, e := range job.TraceLog() {
		at := e.Time.Sub(job.CreatedAt())
		fmt.Fprintf(w, "    %9s  %-10s %-11s %s\n", fmt.Sprintf("+%.1fms", float64(at)/float64(time.Millisecond)), e.RoutineID, e.Action, FormatMessage(e.Details))
	}
}

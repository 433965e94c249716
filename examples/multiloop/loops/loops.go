// Package loops is the flow of the multiloop example: one flow that holds
// two instances of the same loop controller, loop_a (limit 3) and loop_b
// (limit 7), each looping over its own body routine, run for many jobs at
// once.
//
//	        ┌→ body_a ⇄ loop_a (3) ─┐
//	start ──┤                       ├→ report
//	        └→ body_b ⇄ loop_b (7) ─┘
//
// Controller keeps its iteration count in job-scope generated state
// (LoopState), namespaced by the routine id, so the two controllers — and
// the many concurrent jobs — never share a count. The body routines count
// the passes in the message itself, which is the ground truth the
// controllers' counts are checked against.
//
// What goes round the loops is a typed Pass, through the typed ports Input,
// Output, Continue and Done: logic reads []Pass and emits a Pass, with no
// type assertion and no map key to misspell, and Flow.Connect checks that
// every event carries what its slot takes.
//
// NewFlow takes the controller as a parameter so that the same flow can be
// built with the old-way controller of testdata/multiloop_flatkey, which
// keeps its count under the flat job-data key "loop_iteration": there both
// controllers of a job count on the same key and the counts come out wrong.
package loops

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/routigen/routigen/runtime"
)

// FlowID is the id of the flow NewFlow builds unless told otherwise.
const FlowID = "multiloop"

// The controllers' routine ids and limits.
const (
	LoopA  = "loop_a"
	LoopB  = "loop_b"
	LimitA = 3
	LimitB = 7
)

// Limits maps each controller's routine id to its limit.
func Limits() map[string]int { return map[string]int{LoopA: LimitA, LoopB: LimitB} }

// ActionResult is the trace action of the report routine: one entry per
// finished loop, with "controller", "iteration" (the controller's own count)
// and "passes" (the body's count of the message's passes).
const ActionResult = "loop_result"

// Pass is what goes round a loop: the job's number, how often it went
// through the loop's body, and, once a controller has seen it, which
// controller counted it and how far.
type Pass struct {
	Job        int
	Passes     int
	Controller string
	Iteration  int
}

// The ports of the flow: every routine takes Passes on Input; start and the
// bodies emit them on Output, the controllers on Continue (round again) or
// Done (to the report).
var (
	Input    = runtime.NewIn[Pass]("input")
	Output   = runtime.NewOut[Pass]("output")
	Continue = runtime.NewOut[Pass]("continue")
	Done     = runtime.NewOut[Pass]("done")
)

// ControllerFunc makes a loop controller that ends the loop after limit
// iterations: slot Input, events Continue and Done, both carrying the Pass
// with Controller (its routine id) and Iteration set.
type ControllerFunc func(limit int) *runtime.Routine

// Controller is the loop controller with generated job-scope state.
func Controller(limit int) *runtime.Routine {
	return runtime.NewRoutine("loop_controller").
		In(Input).Out(Continue).Out(Done).
		Logic(func(ctx context.Context, in runtime.Input) error {
			ec, err := runtime.RequireExec(ctx)
			if err != nil {
				return err
			}
			st, err := LoopStateOf(ctx)
			if err != nil {
				return err
			}
			for _, p := range Input.From(in) {
				var n int
				st.Update(func(s *LoopState) { s.Iteration++; n = s.Iteration })
				p.Controller, p.Iteration = ec.RoutineID, n
				next := Continue
				if n >= limit {
					next = Done
				}
				if err := next.Emit(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
}

// Start hands the job's Pass to both loops.
func Start() *runtime.Routine {
	return runtime.NewRoutine("start").
		In(Input).Out(Output).
		Logic(func(ctx context.Context, in runtime.Input) error {
			for _, p := range Input.From(in) {
				p.Passes = 0
				if err := Output.Emit(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
}

// Body is a loop's body: it counts the passes in the Pass itself.
func Body() *runtime.Routine {
	return runtime.NewRoutine("loop_body").
		In(Input).Out(Output).
		Logic(func(ctx context.Context, in runtime.Input) error {
			for _, p := range Input.From(in) {
				p.Passes++
				if err := Output.Emit(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
}

// Report records every finished loop in the job's trace (ActionResult).
func Report() *runtime.Routine {
	return runtime.NewRoutine("report").
		In(Input).
		Logic(func(ctx context.Context, in runtime.Input) error {
			ec, err := runtime.RequireExec(ctx)
			if err != nil {
				return err
			}
			for _, p := range Input.From(in) {
				ec.Job.Trace(ec.RoutineID, ActionResult, runtime.Message{
					"controller": p.Controller,
					"iteration":  p.Iteration,
					"passes":     p.Passes,
				})
			}
			return nil
		})
}

// NewFlow builds the two-loop flow under id with controllers made by
// controller; post a Pass to routine "start" (Input.Post).
func NewFlow(id string, controller ControllerFunc) (*runtime.Flow, error) {
	f := runtime.NewFlow(id)
	var errs []error
	add := func(rid string, r *runtime.Routine) { errs = append(errs, f.Add(rid, r)) }
	connect := func(from, event, to, slot string) { errs = append(errs, f.Connect(from, event, to, slot)) }
	add("start", Start())
	add("report", Report())
	for _, l := range []struct {
		body, ctl string
		limit     int
	}{{"body_a", LoopA, LimitA}, {"body_b", LoopB, LimitB}} {
		add(l.body, Body())
		add(l.ctl, controller(l.limit))
		connect("start", "output", l.body, "input")
		connect(l.body, "output", l.ctl, "input")
		connect(l.ctl, "continue", l.body, "input")
		connect(l.ctl, "done", "report", "input")
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}

// Count is what one controller reported for one job.
type Count struct {
	Iteration int // the controller's own count when it ended the loop
	Passes    int // how often the message went through the loop's body
}

func (c Count) String() string { return fmt.Sprintf("iteration=%d passes=%d", c.Iteration, c.Passes) }

// JobResult is what one job reported: the counts of each controller (more
// than one when a controller ended its loop more than once).
type JobResult struct {
	JobID  string
	Status runtime.JobStatus
	Err    error
	Counts map[string][]Count
}

// Right reports whether the job completed and each controller ended its
// loop exactly once, after exactly its limit of iterations and passes.
func (r JobResult) Right() bool {
	if r.Status != runtime.JobCompleted {
		return false
	}
	for ctl, limit := range Limits() {
		c := r.Counts[ctl]
		if len(c) != 1 || c[0].Iteration != limit || c[0].Passes != limit {
			return false
		}
	}
	return len(r.Counts) == len(Limits())
}

func (r JobResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "job %s %s:", r.JobID, r.Status)
	for _, ctl := range slices.Sorted(maps.Keys(r.Counts)) {
		fmt.Fprintf(&b, " %s %v", ctl, r.Counts[ctl])
	}
	if r.Err != nil {
		fmt.Fprintf(&b, " error: %v", r.Err)
	}
	return b.String()
}

// Result collects the counts job reported.
func Result(job *runtime.JobContext) JobResult {
	res := JobResult{JobID: job.ID(), Status: job.Status(), Err: job.Err(), Counts: map[string][]Count{}}
	for _, e := range job.TraceLog() {
		if e.Action != ActionResult {
			continue
		}
		ctl, _ := e.Details["controller"].(string)
		it, _ := e.Details["iteration"].(int)
		p, _ := e.Details["passes"].(int)
		res.Counts[ctl] = append(res.Counts[ctl], Count{Iteration: it, Passes: p})
	}
	return res
}

// Summary is the outcome of a run of many jobs.
type Summary struct {
	Jobs    []JobResult
	Elapsed time.Duration
}

// Wrong returns the jobs whose counts are wrong.
func (s Summary) Wrong() []JobResult {
	var out []JobResult
	for _, r := range s.Jobs {
		if !r.Right() {
			out = append(out, r)
		}
	}
	return out
}

// Err is nil when every job's counts are right, else an error that says
// how many are wrong and shows the first.
func (s Summary) Err() error {
	if len(s.Jobs) == 0 {
		return fmt.Errorf("no jobs ran")
	}
	wrong := s.Wrong()
	if len(wrong) == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d jobs counted wrong, e.g. %v (want %s)", len(wrong), len(s.Jobs), wrong[0], want())
}

func want() string {
	var parts []string
	for _, ctl := range slices.Sorted(maps.Keys(Limits())) {
		parts = append(parts, fmt.Sprintf("%s iteration=%d passes=%d", ctl, Limits()[ctl], Limits()[ctl]))
	}
	return strings.Join(parts, ", ")
}

// Write prints the summary: for each controller, how many jobs ended it with
// which counts, then every wrong job (at most maxWrong of them).
func (s Summary) Write(w io.Writer, maxWrong int) {
	fmt.Fprintf(w, "%d jobs in %v\n", len(s.Jobs), s.Elapsed.Round(time.Millisecond))
	limits := Limits()
	for _, ctl := range slices.Sorted(maps.Keys(limits)) {
		hist := map[string]int{}
		for _, r := range s.Jobs {
			c := r.Counts[ctl]
			switch len(c) {
			case 0:
				hist["never done"]++
			case 1:
				hist[c[0].String()]++
			default:
				hist[fmt.Sprintf("done %d times", len(c))]++
			}
		}
		keys := slices.Collect(maps.Keys(hist))
		sort.Slice(keys, func(i, j int) bool {
			return hist[keys[i]] > hist[keys[j]] || hist[keys[i]] == hist[keys[j]] && keys[i] < keys[j]
		})
		var parts []string
		for _, k := range keys {
			mark := ""
			if k != (Count{limits[ctl], limits[ctl]}).String() {
				mark = " (wrong)"
			}
			parts = append(parts, fmt.Sprintf("%s in %d jobs%s", k, hist[k], mark))
		}
		fmt.Fprintf(w, "  %s (limit %d): %s\n", ctl, limits[ctl], strings.Join(parts, "; "))
	}
	wrong := s.Wrong()
	for i, r := range wrong {
		if i == maxWrong {
			fmt.Fprintf(w, "  … and %d more wrong jobs\n", len(wrong)-maxWrong)
			break
		}
		fmt.Fprintf(w, "  wrong: %v\n", r)
	}
}

// Options says how to run the jobs.
type Options struct {
	// FlowID is the registered flow to post to (FlowID when empty).
	FlowID string
	// Jobs is how many jobs to post, all at once.
	Jobs int
	// Workers spreads the jobs round-robin over that many workers started
	// with Exec; 0 runs them all on the flow's default worker.
	Workers int
	// Pool is the number of logic goroutines of the runtime RunNew makes
	// (runtime.WithWorkers); 0 means GOMAXPROCS.
	Pool int
}

// RunNew builds the flow with controller, registers it on a new runtime,
// runs o.Jobs jobs on it as Run does and closes the runtime.
func RunNew(ctx context.Context, controller ControllerFunc, o Options) (sum Summary, err error) {
	if o.FlowID == "" {
		o.FlowID = FlowID
	}
	f, err := NewFlow(o.FlowID, controller)
	if err != nil {
		return sum, err
	}
	rt := runtime.New(runtime.WithWorkers(o.Pool))
	defer func() {
		if cerr := rt.Close(); err == nil {
			err = cerr
		}
	}()
	if err := rt.Register(f); err != nil {
		return sum, err
	}
	return Run(ctx, rt, o)
}

// Run posts o.Jobs jobs to the flow at once, waits for all of them and
// collects their counts. The error is for a run that could not happen; the
// counts are checked by Summary.Err.
func Run(ctx context.Context, rt *runtime.Runtime, o Options) (Summary, error) {
	flowID := o.FlowID
	if flowID == "" {
		flowID = FlowID
	}
	var workers []string
	for range o.Workers {
		ws, err := rt.Exec(ctx, flowID)
		if err != nil {
			return Summary{}, err
		}
		workers = append(workers, ws.ID())
	}
	start := time.Now()
	jobs := make([]*runtime.JobContext, o.Jobs)
	var wg sync.WaitGroup
	errs := make([]error, o.Jobs)
	for i := range o.Jobs {
		wg.Go(func() {
			var opts []runtime.PostOption
			if len(workers) > 0 {
				opts = append(opts, runtime.OnWorker(workers[i%len(workers)]))
			}
			jobs[i], errs[i] = Input.Post(ctx, rt, flowID, "start", Pass{Job: i}, opts...)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Summary{}, err
		}
	}
	s := Summary{Jobs: make([]JobResult, len(jobs))}
	for i, job := range jobs {
		if err := job.Wait(ctx); err != nil && ctx.Err() != nil {
			return Summary{}, err
		}
		s.Jobs[i] = Result(job)
	}
	s.Elapsed = time.Since(start)
	return s, nil
}

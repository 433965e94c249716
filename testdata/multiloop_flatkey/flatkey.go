// Package flatkey is the multiloop example written the old way — the
// "before" of examples/multiloop. Its loop controller keeps the iteration
// count the way the original runtime's users did: under the flat job-data
// key "loop_iteration", read and written through JobContext.GetData and
// SetData, and it quietly carries on when the job is missing from the
// context.
//
// The flow is the same as the example's (loops.NewFlow with this
// controller, so its messages are the example's typed loops.Pass: what this
// "before" shows is the state, not the messages): two instances of the controller, loop_a (limit 3) and loop_b
// (limit 7), in one flow. Both count on the same key of the same job, so
// each one's count includes the other's iterations and the loops end early:
// in every job at least one controller stops before its limit. Run it with
//
//	go run ./testdata/multiloop_flatkey/cmd/flatkey
//
// (it exits 1), and see what the checks say about it with
//
//	go run ./cmd/routigen lint ./testdata/multiloop_flatkey
//
// which reports the flat key (jobdata) and the fallback (nilfallback). It
// lives under testdata/ so that ./... — go vet, routigen lint and the CI —
// leaves it alone; the multiloop example's tests build, run and lint it.
package flatkey

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/routigen/routigen/examples/multiloop/loops"
	"github.com/routigen/routigen/runtime"
)

// Controller is the old-way loop controller (a loops.ControllerFunc).
func Controller(limit int) *runtime.Routine {
	return runtime.NewRoutine("loop_controller").
		In(loops.Input).Out(loops.Continue).Out(loops.Done).
		Logic(func(ctx context.Context, in runtime.Input) error {
			// Fault 1 (nilfallback): a missing job or activation is not an
			// error; the loop just counts from 1 every time.
			ec, _ := runtime.ExecFromContext(ctx)
			job, ok := runtime.JobFromContext(ctx)
			for _, p := range loops.Input.From(in) {
				n := 1
				if ok {
					// Fault 2 (jobdata): one flat key for every
					// controller instance of the job — loop_a and loop_b
					// count on each other's iterations. (It is also a
					// split read-modify-write.) The example's Controller
					// keeps the count in LoopState via LoopStateOf(ctx).
					prev, _ := job.GetData("loop_iteration")
					p, _ := prev.(int)
					n = p + 1
					job.SetData("loop_iteration", n)
				}
				p.Controller, p.Iteration = ec.RoutineID, n
				next := loops.Continue
				if n >= limit {
					next = loops.Done
				}
				if err := next.Emit(ctx, p); err != nil {
					return err
				}
			}
			return nil
		})
}

// Compile-time check: Controller fits the example's flow.
var _ loops.ControllerFunc = Controller

// Main is command flatkey: it runs the flow for many concurrent jobs, prints
// the summary and returns the exit status — 1 when the counts are wrong,
// which they are.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("flatkey", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jobs := fs.Int("jobs", 500, "jobs to post at once")
	workers := fs.Int("workers", 4, "workers (Exec) to spread the jobs over")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	sum, err := loops.RunNew(ctx, Controller, loops.Options{FlowID: "multiloop_flatkey", Jobs: *jobs, Workers: *workers, Pool: 8})
	if err != nil {
		fmt.Fprintf(stderr, "flatkey: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, `multiloop, the old way: two loop controllers in one flow, counting on job.SetData("loop_iteration", …)`)
	sum.Write(stdout, 5)
	if err := sum.Err(); err != nil {
		fmt.Fprintf(stderr, "flatkey: the flat key collides: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "every job counted right (the collision did not show this time)")
	return 0
}

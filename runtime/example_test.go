package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/routigen/routigen/runtime"
)

// A three-stage flow: each stage sees its own routine id and the job of the
// post.
func Example() {
	upper := runtime.NewRoutine("upper").Slot("in").Event("out", "text").
		Logic(func(ctx context.Context, in runtime.Input) error {
			text := in.Slot("in")[0]["text"].(string)
			return runtime.Emit(ctx, "out", runtime.Message{"text": strings.ToUpper(text)})
		})
	exclaim := runtime.NewRoutine("exclaim").Slot("in").Event("out", "text").
		Logic(func(ctx context.Context, in runtime.Input) error {
			return runtime.Emit(ctx, "out", runtime.Message{"text": in.Slot("in")[0]["text"].(string) + "!"})
		})
	print := runtime.NewRoutine("print").Slot("in").
		Logic(func(ctx context.Context, in runtime.Input) error {
			ec, err := runtime.RequireExec(ctx)
			if err != nil {
				return err
			}
			fmt.Printf("%s in job %s: %s\n", ec.RoutineID, ec.Job.ID(), in.Slot("in")[0]["text"])
			return nil
		})

	f := runtime.NewFlow("shout")
	for _, err := range []error{
		f.Add("upper", upper),
		f.Add("exclaim", exclaim),
		f.Add("print", print),
		f.Connect("upper", "out", "exclaim", "in"),
		f.Connect("exclaim", "out", "print", "in"),
	} {
		if err != nil {
			panic(err)
		}
	}
	rt := runtime.New(runtime.WithWorkers(4))
	defer rt.Close()
	if err := rt.Register(f); err != nil {
		panic(err)
	}
	ctx := context.Background()
	job, err := rt.Post(ctx, "shout", "upper", "in", runtime.Message{"text": "hello"}, runtime.WithJobID("job-1"))
	if err != nil {
		panic(err)
	}
	fmt.Println(job.Wait(ctx), job.Status())
	// Output:
	// print in job job-1: HELLO!
	// <nil> completed
}

// A loop: the controller feeds itself until its typed, per-routine job state
// says it is done; the job then completes on its own.
func ExampleFlow_Connect_loop() {
	type loop struct{ Iteration int }
	ctl := runtime.NewRoutine("controller").Slot("in").Event("continue").Event("done").
		Logic(func(ctx context.Context, in runtime.Input) error {
			st, err := runtime.JobCell[loop](ctx, "loop", runtime.PerRoutine)
			if err != nil {
				return err
			}
			var n int
			st.Update(func(s *loop) { s.Iteration++; n = s.Iteration })
			if n == 3 {
				fmt.Println("done after", n)
				return runtime.Emit(ctx, "done", nil)
			}
			return runtime.Emit(ctx, "continue", nil)
		})
	f := runtime.NewFlow("loop")
	_ = f.Add("ctl", ctl)
	_ = f.Connect("ctl", "continue", "ctl", "in")
	rt := runtime.New()
	defer rt.Close()
	_ = rt.Register(f)
	job, _ := rt.Post(context.Background(), "loop", "ctl", "in", nil)
	fmt.Println(job.Wait(context.Background()))
	// Output:
	// done after 3
	// <nil>
}

// Retry re-runs the logic with the same input, then gives up and fails the
// job.
func ExampleErrorHandler() {
	calls := 0
	flaky := runtime.NewRoutine("flaky").Slot("in").
		Logic(func(ctx context.Context, in runtime.Input) error {
			calls++ // activations of one routine instance for one job never overlap
			return errors.New("unavailable")
		}).
		OnError(runtime.ErrorHandler{Strategy: runtime.Retry, MaxRetries: 2, Delay: time.Millisecond, Backoff: 2})
	f := runtime.NewFlow("retry")
	_ = f.Add("flaky", flaky)
	rt := runtime.New()
	defer rt.Close()
	_ = rt.Register(f)
	job, _ := rt.Post(context.Background(), "retry", "flaky", "in", nil)
	err := job.Wait(context.Background())
	fmt.Println(calls, job.Status())
	fmt.Println(err)
	// Output:
	// 3 failed
	// routine "flaky": giving up after 2 retries: unavailable
}

// Logic outside a flow has no routine to emit from.
func ExampleEmit() {
	err := runtime.Emit(context.Background(), "out", nil)
	fmt.Println(errors.Is(err, runtime.ErrNoRoutine))
	// Output: true
}

// BatchSize hands the logic exactly n messages of one job at a time.
func ExampleBatchSize() {
	src := runtime.NewRoutine("src").Slot("in").Event("item").
		Logic(func(ctx context.Context, in runtime.Input) error {
			for i := range 6 {
				if err := runtime.Emit(ctx, "item", runtime.Message{"i": i}); err != nil {
					return err
				}
			}
			return nil
		})
	sum := runtime.NewRoutine("sum").Slot("items").Policy(runtime.BatchSize(3)).
		Logic(func(ctx context.Context, in runtime.Input) error {
			total := 0
			for _, m := range in.Slot("items") {
				total += m["i"].(int)
			}
			fmt.Println(len(in.Slot("items")), "items, sum", total)
			return nil
		})
	f := runtime.NewFlow("batch")
	_ = f.Add("src", src)
	_ = f.Add("sum", sum)
	_ = f.Connect("src", "item", "sum", "items")
	rt := runtime.New()
	defer rt.Close()
	_ = rt.Register(f)
	job, _ := rt.Post(context.Background(), "batch", "src", "in", nil)
	_ = job.Wait(context.Background())
	// Output:
	// 3 items, sum 3
	// 3 items, sum 12
}

// Hooks observe and can veto: here a BeforeJob hook refuses jobs without a
// tenant.
func ExampleHooks() {
	f := runtime.NewFlow("tenants")
	_ = f.Add("a", runtime.NewRoutine("a").Slot("in").Logic(func(context.Context, runtime.Input) error { return nil }))
	rt := runtime.New(runtime.WithHooks(tenantHooks{}))
	defer rt.Close()
	_ = rt.Register(f)
	_, err := rt.Post(context.Background(), "tenants", "a", "in", nil, runtime.WithJobID("tenants-1"))
	fmt.Println(err)
	job, err := rt.Post(context.Background(), "tenants", "a", "in", nil, runtime.WithMetadata(runtime.Message{"tenant": "acme"}))
	fmt.Println(err, job.Wait(context.Background()))
	// Output:
	// runtime: post: BeforeJob vetoed job tenants-1: no tenant
	// <nil> <nil>
}

type tenantHooks struct{ runtime.NopHooks }

func (tenantHooks) BeforeJob(ctx context.Context, job *runtime.JobContext) error {
	if job.Metadata()["tenant"] == nil {
		return errors.New("no tenant")
	}
	return nil
}

type exOrder struct {
	ID    int
	Total float64
}

var (
	exOrderIn  = runtime.NewIn[exOrder]("order")
	exAccepted = runtime.NewOut[exOrder]("accepted")
	exTotalIn  = runtime.NewIn[float64]("total")
)

// Typed ports: logic reads []exOrder and emits an exOrder, with no type
// assertion and no string key; Connect checks the payload types.
func ExampleIn() {
	intake := runtime.NewRoutine("intake").In(exOrderIn).Out(exAccepted).
		Logic(func(ctx context.Context, in runtime.Input) error {
			for _, o := range exOrderIn.From(in) {
				if o.Total > 0 {
					if err := exAccepted.Emit(ctx, o); err != nil {
						return err
					}
				}
			}
			return nil
		})
	billing := runtime.NewRoutine("billing").In(exOrderIn).
		Logic(func(ctx context.Context, in runtime.Input) error {
			for _, o := range exOrderIn.From(in) {
				fmt.Printf("bill order %d: %.2f\n", o.ID, o.Total)
			}
			return nil
		})
	report := runtime.NewRoutine("report").In(exTotalIn).Logic(nopLogic)

	f := runtime.NewFlow("shop")
	for _, err := range []error{
		f.Add("intake", intake),
		f.Add("billing", billing),
		f.Add("report", report),
		f.Connect("intake", "accepted", "billing", "order"),
	} {
		if err != nil {
			panic(err)
		}
	}
	// An event of orders does not go into a slot of float64s.
	fmt.Println(f.Connect("intake", "accepted", "report", "total"))

	rt := runtime.New()
	defer rt.Close()
	if err := rt.Register(f); err != nil {
		panic(err)
	}
	ctx := context.Background()
	job, err := exOrderIn.Post(ctx, rt, "shop", "intake", exOrder{ID: 7, Total: 12.5})
	if err != nil {
		panic(err)
	}
	fmt.Println(job.Wait(ctx))
	// Output:
	// runtime: flow "shop": connect intake.accepted -> report.total: the event carries runtime_test.exOrder, the slot takes float64: payload type mismatch
	// bill order 7: 12.50
	// <nil>
}

func nopLogic(context.Context, runtime.Input) error { return nil }

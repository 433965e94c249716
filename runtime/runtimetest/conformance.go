package runtimetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// Conformance runs the flow behaviours every runtime must show, whatever
// its Backend, against runtimes from open: each subtest opens its own,
// registers its flows on it and closes it when done (open registers the
// Close with t.Cleanup). The in-memory runtime passes it, and so must a
// Backend: package jetstream runs it over an embedded NATS server. Jobs
// are observed only through what Post returns and Runtime.Wait, as a poster
// on another node observes them.
func Conformance(t *testing.T, open func(t *testing.T) *runtime.Runtime) {
	for _, c := range conformanceCases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			c.run(ctx, t, open(t))
		})
	}
}

var conformanceCases = []struct {
	name string
	run  func(ctx context.Context, t *testing.T, rt *runtime.Runtime)
}{
	{"linear", confLinear},
	{"errors", confErrors},
	{"fan-in", confFanIn},
	{"loop", confLoop},
	{"retry", confRetry},
	{"worker-state", confWorkerState},
	{"typed", confTyped},
	{"bad-post", confBadPost},
}

func mustRegister(t *testing.T, rt *runtime.Runtime, f *runtime.Flow, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Register(f); err != nil {
		t.Fatal(err)
	}
}

// chain builds a flow of routines connected out -> in in order.
func chain(id string, rs ...*runtime.Routine) (*runtime.Flow, error) {
	f := runtime.NewFlow(id)
	for i, r := range rs {
		if err := f.Add(fmt.Sprint("r", i), r); err != nil {
			return nil, err
		}
		if i > 0 {
			if err := f.Connect(fmt.Sprint("r", i-1), "out", fmt.Sprint("r", i), "in"); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

func step(fn func(ctx context.Context, m runtime.Message) (runtime.Message, error)) *runtime.Routine {
	return runtime.NewRoutine("step").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		for _, m := range in.Slot("in") {
			out, err := fn(ctx, m)
			if err != nil {
				return err
			}
			if out != nil {
				if err := runtime.Emit(ctx, "out", out); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func setResult(ctx context.Context, v any) error {
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		return err
	}
	job.SetResult(v)
	return nil
}

func postWait(ctx context.Context, t *testing.T, rt *runtime.Runtime, flow, routine, slot string, m runtime.Message, opts ...runtime.PostOption) (*runtime.JobContext, error) {
	t.Helper()
	job, err := rt.Post(ctx, flow, routine, slot, m, opts...)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	werr := job.Wait(ctx)
	if ctx.Err() != nil {
		t.Fatalf("job %s did not end: %v", job.ID(), werr)
	}
	return job, werr
}

func confLinear(ctx context.Context, t *testing.T, rt *runtime.Runtime) {
	add := func(ctx context.Context, m runtime.Message) (runtime.Message, error) {
		return runtime.Message{"n": m["n"].(int) + 1, "tags": append(m["tags"].([]string), "x")}, nil
	}
	last := step(func(ctx context.Context, m runtime.Message) (runtime.Message, error) {
		ec, err := runtime.RequireExec(ctx)
		if err != nil {
			return nil, err
		}
		return nil, setResult(ctx, runtime.Message{"n": m["n"], "tags": m["tags"], "meta": ec.Job.Metadata()["who"], "attempt": ec.Attempt})
	})
	f, err := chain("linear", step(add), step(add), last)
	mustRegister(t, rt, f, err)
	job, err := postWait(ctx, t, rt, "linear", "r0", "in", runtime.Message{"n": 1, "tags": []string{}},
		runtime.WithMetadata(runtime.Message{"who": "conformance"}))
	if err != nil {
		t.Fatal(err)
	}
	res, ok := job.Result().(runtime.Message)
	if !ok {
		t.Fatalf("Result() = %#v, want a Message", job.Result())
	}
	if n, ok := res["n"].(int); !ok || n != 3 {
		t.Errorf("n = %#v, want int 3 (types survive)", res["n"])
	}
	if tags, ok := res["tags"].([]string); !ok || len(tags) != 2 {
		t.Errorf("tags = %#v, want []string of 2", res["tags"])
	}
	if res["meta"] != "conformance" || res["attempt"] != 1 {
		t.Errorf("metadata %v, attempt %v", res["meta"], res["attempt"])
	}
	if job.Status() != runtime.JobCompleted || job.Err() != nil || job.CompletedAt().IsZero() {
		t.Errorf("status %v err %v completed at %v", job.Status(), job.Err(), job.CompletedAt())
	}
	if err := rt.Wait(ctx); err != nil {
		t.Errorf("Runtime.Wait: %v", err)
	}
}

var errConformance = errors.New("conformance: boom")

func confErrors(ctx context.Context, t *testing.T, rt *runtime.Runtime) {
	f, err := chain("errors", step(func(ctx context.Context, m runtime.Message) (runtime.Message, error) {
		switch m["do"] {
		case "fail":
			return nil, errConformance
		case "panic":
			panic("conformance panic")
		}
		return nil, nil
	}))
	mustRegister(t, rt, f, err)
	job, err := postWait(ctx, t, rt, "errors", "r0", "in", runtime.Message{"do": "fail"})
	if err == nil || !strings.Contains(err.Error(), "boom") || job.Status() != runtime.JobFailed {
		t.Errorf("failing logic: err %v, status %v", err, job.Status())
	}
	job, err = postWait(ctx, t, rt, "errors", "r0", "in", runtime.Message{"do": "panic"})
	var pe *runtime.PanicError
	if !errors.As(err, &pe) || !strings.Contains(fmt.Sprint(pe.Value), "conformance panic") || pe.RoutineID != "r0" {
		t.Errorf("panicking logic: %v (%T)", err, err)
	}
	if job.Status() != runtime.JobFailed {
		t.Errorf("status %v", job.Status())
	}
}

func confFanIn(ctx context.Context, t *testing.T, rt *runtime.Runtime) {
	split := runtime.NewRoutine("split").Slot("in").Event("a").Event("b").Logic(func(ctx context.Context, in runtime.Input) error {
		v := in.Slot("in")[0]["v"].(int)
		if err := runtime.Emit(ctx, "a", runtime.Message{"v": v * 2}); err != nil {
			return err
		}
		return runtime.Emit(ctx, "b", runtime.Message{"v": v * 3})
	})
	join := runtime.NewRoutine("join").Slot("a").Slot("b").Policy(runtime.AllSlotsReady()).Logic(func(ctx context.Context, in runtime.Input) error {
		return setResult(ctx, in.Slot("a")[0]["v"].(int)+in.Slot("b")[0]["v"].(int))
	})
	f := runtime.NewFlow("fanin")
	err := errors.Join(f.Add("split", split), f.Add("join", join),
		f.Connect("split", "a", "join", "a"), f.Connect("split", "b", "join", "b"))
	mustRegister(t, rt, f, err)
	job, err := postWait(ctx, t, rt, "fanin", "split", "in", runtime.Message{"v": 2})
	if err != nil || job.Result() != 10 {
		t.Errorf("fan-in: %v, result %#v, want 10", err, job.Result())
	}
}

type loopState struct{ N int }

func confLoop(ctx context.Context, t *testing.T, rt *runtime.Runtime) {
	loop := runtime.NewRoutine("loop").Slot("in").Event("again").Logic(func(ctx context.Context, in runtime.Input) error {
		c, err := runtime.JobCell[loopState](ctx, "loop", runtime.PerRoutine)
		if err != nil {
			return err
		}
		var n int
		c.Update(func(s *loopState) { s.N++; n = s.N })
		if n < 5 {
			return runtime.Emit(ctx, "again", runtime.Message{})
		}
		return setResult(ctx, n)
	})
	f := runtime.NewFlow("loop")
	err := errors.Join(f.Add("l", loop), f.Connect("l", "again", "l", "in"))
	mustRegister(t, rt, f, err)
	job, err := postWait(ctx, t, rt, "loop", "l", "in", runtime.Message{})
	if err != nil || job.Result() != 5 {
		t.Errorf("loop: %v, result %#v, want 5", err, job.Result())
	}
}

func confRetry(ctx context.Context, t *testing.T, rt *runtime.Runtime) {
	r := runtime.NewRoutine("flaky").Slot("in").OnError(runtime.ErrorHandler{Strategy: runtime.Retry, MaxRetries: 3}).
		Logic(func(ctx context.Context, in runtime.Input) error {
			c, err := runtime.JobCell[loopState](ctx, "tries", runtime.PerRoutine)
			if err != nil {
				return err
			}
			var n int
			c.Update(func(s *loopState) { s.N++; n = s.N })
			if n < 3 {
				return errConformance
			}
			return setResult(ctx, n)
		})
	f := runtime.NewFlow("retry")
	mustRegister(t, rt, f, f.Add("flaky", r))
	job, err := postWait(ctx, t, rt, "retry", "flaky", "in", runtime.Message{})
	if err != nil || job.Result() != 3 {
		t.Errorf("retry: %v, result %#v, want 3", err, job.Result())
	}
}

// Tally is a worker-scope state type with a hand-written codec, as routigen
// gen writes them: keyed by field name, unexported fields included.
type tally struct {
	N    int
	last string
}

var tallyCodec = runtime.StateCodec[tally]{
	Encode: func(v *tally) ([]byte, error) { return json.Marshal(map[string]any{"N": v.N, "last": v.last}) },
	Decode: func(b []byte, v *tally) error {
		var m struct {
			N    int
			Last string `json:"last"`
		}
		err := json.Unmarshal(b, &m)
		v.N, v.last = m.N, m.Last
		return err
	},
}

func confWorkerState(ctx context.Context, t *testing.T, rt *runtime.Runtime) {
	r := runtime.NewRoutine("count").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		c, err := runtime.WorkerCell[tally](ctx, "tally", runtime.PerRoutine, tallyCodec)
		if err != nil {
			return err
		}
		ec, _ := runtime.RequireExec(ctx)
		var n int
		c.Update(func(s *tally) { s.N++; n = s.N; s.last = ec.Job.ID() })
		ec.Worker.UpdateRoutineState(ec.RoutineID, runtime.Message{"last": n})
		return setResult(ctx, n)
	})
	f := runtime.NewFlow("workerstate")
	mustRegister(t, rt, f, f.Add("count", r))
	for i := 1; i <= 3; i++ {
		job, err := postWait(ctx, t, rt, "workerstate", "count", "in", runtime.Message{})
		if err != nil || job.Result() != i {
			t.Fatalf("job %d: %v, result %#v: the default worker's state must accumulate", i, err, job.Result())
		}
	}
}

type order struct {
	Item string
	Qty  int
}

var orderIn = runtime.NewIn[order]("order")

func confTyped(ctx context.Context, t *testing.T, rt *runtime.Runtime) {
	r := runtime.NewRoutine("take").In(orderIn).Logic(func(ctx context.Context, in runtime.Input) error {
		o := orderIn.From(in)[0]
		return setResult(ctx, o.Qty*2)
	})
	f := runtime.NewFlow("typed")
	mustRegister(t, rt, f, f.Add("take", r))
	job, err := orderIn.Post(ctx, rt, "typed", "take", order{Item: "x", Qty: 21})
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil || job.Result() != 42 {
		t.Errorf("typed: %v, result %#v, want 42", err, job.Result())
	}
	if _, err := rt.Post(ctx, "typed", "take", "order", runtime.Message{}); !errors.Is(err, runtime.ErrPayloadType) {
		t.Errorf("a Message to a typed slot: %v, want ErrPayloadType", err)
	}
}

func confBadPost(ctx context.Context, t *testing.T, rt *runtime.Runtime) {
	f, err := chain("bad", step(func(context.Context, runtime.Message) (runtime.Message, error) { return nil, nil }))
	mustRegister(t, rt, f, err)
	for _, c := range []struct {
		flow, routine, slot string
		want                error
	}{
		{"nope", "r0", "in", runtime.ErrUnknownFlow},
		{"bad", "nope", "in", runtime.ErrUnknownRoutine},
		{"bad", "r0", "nope", runtime.ErrUnknownSlot},
	} {
		if _, err := rt.Post(ctx, c.flow, c.routine, c.slot, runtime.Message{}); !errors.Is(err, c.want) {
			t.Errorf("post %s.%s.%s: %v, want %v", c.flow, c.routine, c.slot, err, c.want)
		}
	}
}

// RegisterConformanceTypes hands the payload types of the suite to fn (a
// Backend's type registration, for one that needs it).
func RegisterConformanceTypes(fn func(example any)) {
	fn(order{})
}

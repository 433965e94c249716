package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// Error strings wrap once, io/fs style: the failing call says "runtime:"
// and what it was doing once, the sentinel says what went wrong, and no
// prefix repeats (no `runtime: post: flow "nope": runtime: unknown flow`).
func TestErrorsWrapOnce(t *testing.T) {
	r := runtime.New(runtime.WithHooks(vetoAll{}))
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		return runtime.Emit(ctx, "nope", nil) // a runtime error, returned by logic
	}))
	mustRegister(t, r, f)
	var errs []error
	add := func(_ any, err error) { errs = append(errs, err) }
	add(r.Post(t.Context(), "nope", "a", "in", nil))
	add(r.Post(t.Context(), "f", "nope", "in", nil))
	add(r.Post(t.Context(), "f", "a", "nope", nil))
	add(r.Post(t.Context(), "f", "a", "in", nil, runtime.OnWorker("nope")))
	add(r.Post(t.Context(), "f", "a", "in", runtime.Message{"veto": true}))
	add(r.Exec(t.Context(), "nope"))
	add(nil, r.Register(f))
	bad := runtime.NewFlow("bad")
	add(nil, bad.Add("x", runtime.NewRoutine("k").Slot("in").Slot("in")))
	add(nil, bad.Connect("x", "out", "y", "in"))
	add(runtime.JobCell[struct{ N int }](context.Background(), "st", runtime.PerRoutine))
	add(runtime.WorkerCell[struct{ N int }](context.Background(), "st", runtime.PerRoutine))
	if _, err := runtime.JobCell[struct{ N int }](context.Background(), "st", runtime.PerRoutine); err != nil {
		// As generated code reports it.
		errs = append(errs, fmt.Errorf("StOf: %w", err))
	}
	r2 := newRuntime(t)
	mustRegister(t, r2, f)
	errs = append(errs, waitJob(t, mustPost(t, r2, "f", "a", "in", nil)))
	slow := runtime.NewFlow("slow")
	mustAdd(t, slow, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		<-ctx.Done()
		return nil
	}))
	mustRegister(t, r2, slow)
	errs = append(errs, waitJob(t, mustPost(t, r2, "slow", "a", "in", nil, runtime.WithTimeout(time.Millisecond))))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	add(r.Post(t.Context(), "f", "a", "in", nil))

	for i, err := range errs {
		if err == nil {
			t.Errorf("case %d: no error", i)
			continue
		}
		msg := err.Error()
		if n := strings.Count(msg, "runtime: "); n > 1 {
			t.Errorf("case %d: %q says \"runtime: \" %d times", i, msg, n)
		}
		parts := strings.Split(msg, ": ")
		for j := 1; j < len(parts); j++ {
			if parts[j] == parts[j-1] {
				t.Errorf("case %d: %q repeats %q", i, msg, parts[j])
			}
		}
	}
	want := []string{
		`runtime: post: flow "nope": unknown flow`,
		`StOf: job state "st": no job in context`,
		`routine "a": runtime: emit: routine "a" has no event "nope": unknown event`,
		`job timed out after 1ms: context deadline exceeded`,
	}
	for _, w := range want {
		found := false
		for _, err := range errs {
			found = found || (err != nil && err.Error() == w)
		}
		if !found {
			t.Errorf("no error reads %q", w)
		}
	}
}

type vetoAll struct{ runtime.NopHooks }

func (vetoAll) BeforeJob(ctx context.Context, job *runtime.JobContext) error {
	return errors.New("no jobs today")
}

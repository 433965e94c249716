package a

import (
	"context"
	"errors"
	"testing"

	"github.com/routigen/routigen/runtime"

	"states"
)

func TestFatal(t *testing.T) {
	job, ok := runtime.JobFromContext(context.Background())
	if !ok {
		t.Fatal("no job")
	}
	job.Trace("r", "a", nil)
}

func TestSkip(t *testing.T) {
	ec, err := runtime.RequireExec(context.Background())
	if err != nil {
		t.Skipf("no routine: %v", err)
	}
	ec.Job.Trace(ec.RoutineID, "a", nil)
}

func mustJob(tb testing.TB, ctx context.Context) *runtime.JobContext {
	tb.Helper()
	job, err := runtime.RequireJob(ctx)
	if err != nil {
		tb.Fatalf("no job: %v", err)
	}
	return job
}

func BenchmarkFailNow(b *testing.B) {
	job, ok := runtime.JobFromContext(context.Background())
	if !ok {
		b.FailNow()
	}
	job.Trace("r", "a", nil)
}

func TestLenient(t *testing.T) {
	job, ok := runtime.JobFromContext(context.Background()) // want `runtime.JobFromContext falls back`
	if !ok {
		t.Log("no job")
		return
	}
	job.Trace("r", "a", nil)
}

// Tests assert the missing case with t.Error: a failed test.
func TestAssertsMissing(t *testing.T) {
	if _, err := runtime.RequireJob(context.Background()); !errors.Is(err, runtime.ErrNoJob) {
		t.Errorf("RequireJob: %v", err)
	}
	a, err := states.LoopStateOf(context.Background())
	if err != nil {
		t.Error(err)
		return
	}
	a.SetIteration(1)
}

func TestNeedsJob(t *testing.T) {
	job, ok := runtime.JobFromContext(context.Background())
	if !ok {
		t.Skip("needs a job")
	}
	job.Trace("r", "a", nil)
}

package runtime_test

import (
	"context"
	"testing"

	"github.com/routigen/routigen/runtime"
)

// A job's last step completes it and readies its scheduling state for the
// next job in one hold of the job's lock; it is taken off the live list
// after. Runtime.Wait must still return only once the job is finished and
// off the list: its id is free again and Job no longer finds it, job after
// job, while the recycled scheduling state serves the next one.
func TestWaitReturnsOnceTheJobIsOffTheLiveList(t *testing.T) {
	stage := runtime.NewRoutine("s").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		return runtime.Emit(ctx, "out", runtime.Message{"v": in.Slot("in")[0]["v"]})
	})
	last := runtime.NewRoutine("l").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		job, err := runtime.RequireJob(ctx)
		if err != nil {
			return err
		}
		job.SetResult(in.Slot("in")[0]["v"])
		return nil
	})
	for _, workers := range []int{1, 2} {
		r := newRuntime(t, runtime.WithWorkers(workers))
		f := runtime.NewFlow("retire")
		mustAdd(t, f, "a", stage)
		mustAdd(t, f, "b", stage)
		mustAdd(t, f, "c", last)
		if err := f.Connect("a", "out", "b", "in"); err != nil {
			t.Fatal(err)
		}
		if err := f.Connect("b", "out", "c", "in"); err != nil {
			t.Fatal(err)
		}
		mustRegister(t, r, f)
		for i := range 300 {
			job := mustPost(t, r, "retire", "a", "in", runtime.Message{"v": i}, runtime.WithJobID("same"))
			waitAll(t, r)
			if job.Status() != runtime.JobCompleted || job.Result() != i || job.CompletedAt().Before(job.CreatedAt()) {
				t.Fatalf("workers=%d job %d: status %v result %v, created %v completed %v", workers, i, job.Status(), job.Result(), job.CreatedAt(), job.CompletedAt())
			}
			if _, ok := r.Job("same"); ok {
				t.Fatalf("workers=%d job %d: still listed after Wait", workers, i)
			}
		}
	}
}

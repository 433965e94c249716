package runtime

import (
	"context"
	"testing"
)

func TestSmoke(t *testing.T) {
	r := New(WithWorkers(4))
	defer r.Close()
	a := NewRoutine("a").Slot("in").Event("out").Logic(func(ctx context.Context, in Input) error {
		return Emit(ctx, "out", Message{"v": in.Slot("in")[0]["v"].(int) + 1})
	})
	b := NewRoutine("b").Slot("in").Logic(func(ctx context.Context, in Input) error {
		ec, _ := ExecFromContext(ctx)
		ec.Job.SetData("got", in.Slot("in")[0]["v"])
		ec.Job.SetData("rid", ec.RoutineID)
		return nil
	})
	f := NewFlow("f")
	f.Add("a", a)
	f.Add("b", b)
	if err := f.Connect("a", "out", "b", "in"); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(f); err != nil {
		t.Fatal(err)
	}
	job, err := r.Post(context.Background(), "f", "a", "in", Message{"v": 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Log(job.Data(), job.Status())
}

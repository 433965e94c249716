package jetstream

import (
	"context"
	"errors"
	"github.com/nats-io/nats.go/jetstream"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// Poison: jobs, results and state that cannot be stored or read. Each
// ends its job, saying why, rather than being redelivered forever, lost in
// silence, or crashing the node.

// resultFlow is one routine whose job's result is what result returns;
// runs counts its runs.
func resultFlow(t testing.TB, runs *atomic.Int64, result func() any) *runtime.Flow {
	r := runtime.NewRoutine("r").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		runs.Add(1)
		job, err := runtime.RequireJob(ctx)
		if err != nil {
			return err
		}
		job.SetResult(result())
		return nil
	})
	f := runtime.NewFlow("res")
	if err := f.Add("r", r); err != nil {
		t.Fatal(err)
	}
	return f
}

// A result whose MarshalJSON panics fails its job with a
// *runtime.PanicError naming the function; the node lives on.
func TestResultPanicFailsJob(t *testing.T) {
	RegisterType[touchy]()
	s := testServer(t)
	rt, _ := testNode(t, s, newPrefix())
	var runs atomic.Int64
	register(t, rt, resultFlow(t, &runs, func() any { return touchy{Panic: true} }))
	ctx := timeout(t, 10*time.Second)
	for range 2 { // the second proves the node still serves
		job, err := rt.Post(ctx, "res", "r", "in", nil)
		if err != nil {
			t.Fatal(err)
		}
		err = job.Wait(ctx)
		var pe *runtime.PanicError
		if !errors.As(err, &pe) || !strings.Contains(pe.Func, "touchy") || pe.Value != "touchy marshal" {
			t.Fatalf("job with a panicking result: %v, want a *runtime.PanicError of touchy's encoding", err)
		}
	}
}

// A Post whose message holds a value whose MarshalJSON panics returns an
// error wrapping *runtime.PanicError.
func TestPostPanicIsAnError(t *testing.T) {
	RegisterType[touchy]()
	s := testServer(t)
	rt, _ := testNode(t, s, newPrefix())
	var runs atomic.Int64
	register(t, rt, resultFlow(t, &runs, func() any { return nil }))
	ctx := timeout(t, 10*time.Second)
	_, err := rt.Post(ctx, "res", "r", "in", runtime.Message{"t": touchy{Panic: true}})
	var pe *runtime.PanicError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), `data["t"]`) {
		t.Errorf("Post of a value whose MarshalJSON panics: %v, want a *runtime.PanicError at data[\"t\"]", err)
	}
}

// blob is worker state of a given size.
type blob struct{ s string }

var blobCodec = runtime.StateCodec[blob]{
	Encode: func(v *blob) ([]byte, error) { return []byte(v.s), nil },
	Decode: func(b []byte, v *blob) error { v.s = string(b); return nil },
}

// blobFlow's job sets its worker's blob to size bytes.
func blobFlow(t testing.TB, codec runtime.StateCodec[blob], size int) *runtime.Flow {
	r := runtime.NewRoutine("r").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		c, err := runtime.WorkerCell[blob](ctx, "blob", runtime.PerRoutine, codec)
		if err != nil {
			return err
		}
		c.Update(func(v *blob) { v.s = strings.Repeat("y", size) })
		return nil
	})
	f := runtime.NewFlow("blob")
	if err := f.Add("r", r); err != nil {
		t.Fatal(err)
	}
	return f
}

// A state codec whose Encode panics fails the job with a
// *runtime.PanicError; the node lives on.
func TestStateEncodePanicFailsJob(t *testing.T) {
	s := testServer(t)
	rt, _ := testNode(t, s, newPrefix())
	c := blobCodec
	c.Encode = func(*blob) ([]byte, error) { panic("encode boom") }
	register(t, rt, blobFlow(t, c, 2))
	ctx := timeout(t, 10*time.Second)
	for range 2 {
		job, err := rt.Post(ctx, "blob", "r", "in", nil)
		if err != nil {
			t.Fatal(err)
		}
		err = job.Wait(ctx)
		var pe *runtime.PanicError
		if !errors.As(err, &pe) || pe.Func != "StateCodec.Encode" || pe.Value != "encode boom" {
			t.Fatalf("job whose state codec panics: %v, want a *runtime.PanicError of StateCodec.Encode", err)
		}
	}
}

// A result over the server's max payload fails its job, once, saying so:
// the record that would carry it cannot be stored, and a job whose record
// is never stored would run again forever.
func TestOversizedResultFailsJob(t *testing.T) {
	s := testServer(t)
	rt, _ := testNode(t, s, newPrefix())
	var runs atomic.Int64
	register(t, rt, resultFlow(t, &runs, func() any { return strings.Repeat("x", 2<<20) }))
	ctx := timeout(t, 10*time.Second)
	job, err := rt.Post(ctx, "res", "r", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err == nil || !strings.Contains(err.Error(), "max payload") || !strings.Contains(err.Error(), "result") {
		t.Errorf("job with a 2 MiB result: %v, want an error about the result and the max payload", err)
	}
	if err := rt.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if runs.Load() != 1 {
		t.Errorf("%d runs, want 1", runs.Load())
	}
}

// Worker state over the server's max payload fails the job that wrote it,
// once, saying so, and leaves the stored state as it was.
func TestOversizedStateFailsJob(t *testing.T) {
	s := testServer(t)
	rt, b := testNode(t, s, newPrefix())
	var encodes atomic.Int64
	c := blobCodec
	c.Encode = func(v *blob) ([]byte, error) { encodes.Add(1); return []byte(v.s), nil }
	register(t, rt, blobFlow(t, c, 2<<20))
	ctx := timeout(t, 10*time.Second)
	job, err := rt.Post(ctx, "blob", "r", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err == nil || !strings.Contains(err.Error(), "max payload") || !strings.Contains(err.Error(), "worker state") {
		t.Errorf("job writing 2 MiB of worker state: %v, want an error about the worker state and the max payload", err)
	}
	if n := encodes.Load(); n != 1 {
		t.Errorf("state encoded %d times, want 1: the job ran again", n)
	}
	if _, err := b.state.Get(ctx, token(runtime.DefaultWorkerID("blob"))); !errors.Is(err, jetstream.ErrKeyNotFound) {
		t.Errorf("stored state: %v, want none", err)
	}
}

// onlyHere is registered by the test process only, not by its node
// processes.
type onlyHere struct{ N int }

// A job whose entry message holds a type its serving node has not
// registered fails, saying so: it is not dropped while its poster waits.
func TestUnregisteredTypeOnServingNodeFailsJob(t *testing.T) {
	RegisterType[onlyHere]()
	url, prefix, front := faultSetup(t)
	ctx := timeout(t, 20*time.Second)
	startProc(t, envRole+"=node", envURL+"="+url, envPrefix+"="+prefix)
	job, err := front.Post(ctx, "fault", "work", "in", runtime.Message{"sleep_ms": 0, "x": onlyHere{1}})
	if err != nil {
		t.Fatal(err)
	}
	err = job.Wait(ctx)
	if err == nil || !strings.Contains(err.Error(), "onlyHere is not registered") {
		t.Errorf("job with a type its node lacks: %v, want an error naming the type", err)
	}
}

// Poison on the jobs subject: a message whose head names a job but whose
// data cannot be read fails that job; one that names no job is terminated,
// not redelivered forever. The worker serves on.
func TestPoisonJobMessages(t *testing.T) {
	s := testServer(t)
	p := newPrefix()
	rt, b := testNode(t, s, p)
	var runs atomic.Int64
	register(t, rt, resultFlow(t, &runs, func() any { return 1 }))
	ctx := timeout(t, 15*time.Second)
	worker := runtime.DefaultWorkerID("res")
	head := appendSpecHead([]byte{formatV1}, &runtime.JobSpec{ID: "poison", FlowID: "res", WorkerID: worker, RoutineID: "r", Slot: "in"})
	for id, body := range map[string][]byte{"poison": append(head, 200), "junk": []byte(`{"id":"junk"}`)} {
		if _, err := b.js.Publish(ctx, b.jobSubject(worker, id), body); err != nil {
			t.Fatal(err)
		}
	}
	job, err := rt.Lookup(ctx, "poison")
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err == nil || !strings.Contains(err.Error(), "unknown tag 200") {
		t.Errorf("job whose data cannot be read: %v, want an error saying why", err)
	}
	ok, err := rt.Post(ctx, "res", "r", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ok.Wait(ctx); err != nil || runs.Load() != 1 {
		t.Errorf("a good job after the poison: %v, %d runs", err, runs.Load())
	}
	for {
		info, err := b.stream.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.State.Msgs == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%d messages left in the jobs stream: the poison stays", info.State.Msgs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A job whose record the server refuses (here the records stream takes
// no message that large, set underneath) is retried, but not in a loop
// that runs its logic hundreds of times a second while the fault lasts.
func TestRefusedRecordRetriesSlowly(t *testing.T) {
	s := testServer(t)
	p := newPrefix()
	rt, b := testNode(t, s, p)
	var runs atomic.Int64
	register(t, rt, resultFlow(t, &runs, func() any { return 1 }))
	ctx := timeout(t, 10*time.Second)
	rs, err := b.js.Stream(ctx, "KV_"+p+"_records")
	if err != nil {
		t.Fatal(err)
	}
	cfg := rs.CachedInfo().Config
	cfg.MaxMsgSize = 8
	if _, err := b.js.UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	job, err := rt.Post(ctx, "res", "r", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	n := runs.Load()
	if n > 6 {
		t.Errorf("%d runs in 2s with AckWait 1s: the job reruns in a tight loop", n)
	}
	cfg.MaxMsgSize = -1
	if _, err := b.js.UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil {
		t.Errorf("the job once the records stream takes it: %v", err)
	}
}

// A Post whose job is over the server's max payload is refused, saying
// how large it is and what the limit is.
func TestOversizedPostRefused(t *testing.T) {
	s := testServer(t)
	rt, _ := testNode(t, s, newPrefix())
	var runs atomic.Int64
	register(t, rt, resultFlow(t, &runs, func() any { return nil }))
	ctx := timeout(t, 10*time.Second)
	_, err := rt.Post(ctx, "res", "r", "in", runtime.Message{"b": strings.Repeat("x", 2<<20)})
	if err == nil || !strings.Contains(err.Error(), "max payload of 1048") || !strings.Contains(err.Error(), "2097") {
		t.Errorf("Post of 2 MiB: %v, want an error with its size and the limit", err)
	}
}

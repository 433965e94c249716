package runtime_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// burst emits n numbered messages on "out" in one activation.
func burst(n int) *runtime.Routine {
	return runtime.NewRoutine("burst").Slot("in").Event("out").Event("other").Logic(func(ctx context.Context, in runtime.Input) error {
		for i := range n {
			if err := runtime.Emit(ctx, "out", runtime.Message{"i": i}); err != nil {
				return err
			}
		}
		return nil
	})
}

// policyFlow runs burst(n) into a sink with policy p and returns the slot
// contents of each sink activation.
func policyFlow(t *testing.T, n int, p runtime.Policy) ([][]int, *runtime.JobContext) {
	t.Helper()
	var rec recorder[[]int]
	sink := runtime.NewRoutine("sink").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		var got []int
		for _, m := range in.Slot("in") {
			got = append(got, m["i"].(int))
		}
		rec.add(got)
		return nil
	})
	if p != (runtime.Policy{}) {
		sink.Policy(p)
	}
	f := runtime.NewFlow("policy")
	mustAdd(t, f, "src", burst(n))
	mustAdd(t, f, "sink", sink)
	mustConnect(t, f, "src", "out", "sink", "in")
	r := newRuntime(t)
	mustRegister(t, r, f)
	job := mustPost(t, r, "policy", "src", "in", runtime.Message{})
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	return rec.get(), job
}

func dropped(job *runtime.JobContext) []runtime.Message {
	var out []runtime.Message
	for _, e := range job.TraceLog() {
		if e.Action == "dropped" {
			out = append(out, e.Details)
		}
	}
	return out
}

// The fault this fixes: a routine without a policy never ran.
func TestDefaultPolicyIsImmediate(t *testing.T) {
	acts, job := policyFlow(t, 5, runtime.Policy{})
	var all []int
	for _, a := range acts {
		if len(a) == 0 {
			t.Errorf("an activation consumed nothing: %v", acts)
		}
		all = append(all, a...)
	}
	if !slices.Equal(all, []int{0, 1, 2, 3, 4}) {
		t.Errorf("immediate sink consumed %v, want every message once, in order", all)
	}
	if d := dropped(job); len(d) != 0 {
		t.Errorf("dropped %v", d)
	}
	if runtime.Immediate() != (runtime.Policy{}) || runtime.Immediate().String() != "immediate" {
		t.Error("Immediate is not the zero policy")
	}
}

func TestBatchSize(t *testing.T) {
	acts, job := policyFlow(t, 7, runtime.BatchSize(3))
	if !slices.EqualFunc(acts, [][]int{{0, 1, 2}, {3, 4, 5}}, slices.Equal[[]int]) {
		t.Errorf("batches %v, want [[0 1 2] [3 4 5]]", acts)
	}
	if d := dropped(job); len(d) != 1 || d[0]["count"] != 1 || d[0]["slot"] != "in" {
		t.Errorf("leftover not traced as dropped: %v", d)
	}
}

func TestCustomPolicy(t *testing.T) {
	var sawSlots []string
	p := runtime.Custom(func(v runtime.SlotView) bool {
		sawSlots = v.Slots()
		return v.Len("in") >= 2 && len(v.Messages("in")) == v.Len("in") && v.Len("nope") == 0
	})
	acts, job := policyFlow(t, 5, p)
	// Messages queued while an activation runs are seen together after it,
	// so the split depends on timing; the rule does not.
	var all []int
	for _, a := range acts {
		if len(a) < 2 {
			t.Errorf("custom policy fired on %v, fewer than 2 messages", a)
		}
		all = append(all, a...)
	}
	left := 0
	for _, d := range dropped(job) {
		left += d["count"].(int)
	}
	if !slices.Equal(all, []int{0, 1, 2, 3, 4}[:len(all)]) || len(all)+left != 5 || left > 1 || len(acts) == 0 {
		t.Errorf("custom activations %v, %d dropped", acts, left)
	}
	if !slices.Equal(sawSlots, []string{"in"}) {
		t.Errorf("SlotView.Slots() = %v", sawSlots)
	}
}

func TestAllSlotsReady(t *testing.T) {
	var rec recorder[[2]int]
	join := runtime.NewRoutine("join").Slot("left").Slot("right").Slot("extra", runtime.Optional()).Policy(runtime.AllSlotsReady()).
		Logic(func(ctx context.Context, in runtime.Input) error {
			rec.add([2]int{len(in.Slot("left")), len(in.Slot("right"))})
			return nil
		})
	split := runtime.NewRoutine("split").Slot("in").Event("l").Event("r").Logic(func(ctx context.Context, in runtime.Input) error {
		if err := runtime.Emit(ctx, "l", runtime.Message{}); err != nil {
			return err
		}
		if in.Slot("in")[0]["both"] == true {
			return runtime.Emit(ctx, "r", runtime.Message{})
		}
		return nil
	})
	f := runtime.NewFlow("join")
	mustAdd(t, f, "split", split)
	mustAdd(t, f, "join", join)
	mustConnect(t, f, "split", "l", "join", "left")
	mustConnect(t, f, "split", "r", "join", "right")
	r := newRuntime(t)
	mustRegister(t, r, f)
	both := mustPost(t, r, "join", "split", "in", runtime.Message{"both": true})
	if err := waitJob(t, both); err != nil {
		t.Fatal(err)
	}
	if got := rec.get(); !slices.Equal(got, [][2]int{{1, 1}}) {
		t.Fatalf("join activations %v, want one with both slots", got)
	}
	half := mustPost(t, r, "join", "split", "in", runtime.Message{"both": false})
	if err := waitJob(t, half); err != nil {
		t.Fatal(err)
	}
	if got := rec.get(); len(got) != 1 {
		t.Errorf("join ran without its right slot: %v", got)
	}
	if d := dropped(half); len(d) != 1 || d[0]["slot"] != "left" {
		t.Errorf("dropped %v", d)
	}
}

// The fault this fixes: time-based policies fired only when new data came.
// Here the second message arrives inside the interval and nothing arrives
// after it: the timer must activate the routine.
func TestTimeIntervalFiresOnTimer(t *testing.T) {
	const d = 400 * time.Millisecond
	var times recorder[time.Time]
	ticker := runtime.NewRoutine("ticker").Slot("in").Event("back").Policy(runtime.TimeInterval(d)).
		Logic(func(ctx context.Context, in runtime.Input) error {
			times.add(time.Now())
			if len(times.get()) < 2 {
				return runtime.Emit(ctx, "back", runtime.Message{})
			}
			return nil
		})
	f := runtime.NewFlow("tick")
	mustAdd(t, f, "bounce", runtime.NewRoutine("bounce").Slot("in").Event("out").Logic(forward))
	mustAdd(t, f, "ticker", ticker)
	mustConnect(t, f, "bounce", "out", "ticker", "in")
	mustConnect(t, f, "ticker", "back", "bounce", "in")
	r := newRuntime(t)
	mustRegister(t, r, f)
	start := time.Now()
	if err := waitJob(t, mustPost(t, r, "tick", "bounce", "in", runtime.Message{})); err != nil {
		t.Fatal(err)
	}
	ts := times.get()
	if len(ts) != 2 {
		t.Fatalf("%d activations, want 2", len(ts))
	}
	if first := ts[0].Sub(start); first > d {
		t.Errorf("first activation after %v: the first message should go at once", first)
	}
	if gap := ts[1].Sub(ts[0]); gap < d-time.Millisecond {
		t.Errorf("second activation %v after the first, want ≥ %v", gap, d)
	}
}

// The throttle belongs to one (worker, routine instance): another instance
// or another worker is not held back, another job on the same worker is.
func TestTimeIntervalThrottleScope(t *testing.T) {
	// Long enough that scheduling delays on a loaded machine do not pass
	// for throttling.
	const d = time.Second
	type act struct {
		routine, worker, job string
		at                   time.Time
	}
	var rec recorder[act]
	tick := runtime.NewRoutine("tick").Slot("in").Policy(runtime.TimeInterval(d)).Logic(func(ctx context.Context, in runtime.Input) error {
		ec, _ := runtime.ExecFromContext(ctx)
		rec.add(act{ec.RoutineID, ec.Worker.ID(), ec.Job.ID(), time.Now()})
		return nil
	})
	f := runtime.NewFlow("throttle")
	mustAdd(t, f, "src", runtime.NewRoutine("src").Slot("in").Event("out").Logic(forward))
	mustAdd(t, f, "t1", tick)
	mustAdd(t, f, "t2", tick)
	mustConnect(t, f, "src", "out", "t1", "in")
	mustConnect(t, f, "src", "out", "t2", "in")
	r := newRuntime(t)
	mustRegister(t, r, f)
	w1, _ := r.Exec(t.Context(), "throttle")
	w2, _ := r.Exec(t.Context(), "throttle")
	start := time.Now()
	a := mustPost(t, r, "throttle", "src", "in", runtime.Message{}, runtime.OnWorker(w1.ID()))
	b := mustPost(t, r, "throttle", "src", "in", runtime.Message{}, runtime.OnWorker(w2.ID()))
	c := mustPost(t, r, "throttle", "src", "in", runtime.Message{}, runtime.OnWorker(w1.ID()))
	waitAll(t, r)
	got := rec.get()
	if len(got) != 6 {
		t.Fatalf("%d activations, want 6", len(got))
	}
	// Per instance on worker 1, jobs a and c share one throttle: whichever
	// came first runs at once, the other one interval later. Job b, on
	// worker 2, is held back by neither; t1 and t2 never by each other.
	byInst := map[string][]act{}
	for _, x := range got {
		if x.job == b.ID() {
			if x.at.Sub(start) >= d {
				t.Errorf("%s of job b (worker 2) ran after %v: held back by another worker's throttle", x.routine, x.at.Sub(start))
			}
			continue
		}
		byInst[x.routine] = append(byInst[x.routine], x)
	}
	for _, id := range []string{"t1", "t2"} {
		acts := byInst[id]
		if len(acts) != 2 || acts[0].job == acts[1].job {
			t.Fatalf("%s on worker 1: %+v", id, acts)
		}
		if first := acts[0].at.Sub(start); first >= d {
			t.Errorf("%s: the first job waited %v", id, first)
		}
		if gap := acts[1].at.Sub(acts[0].at); gap < d-time.Millisecond {
			t.Errorf("%s: second job %v after the first, want ≥ %v", id, gap, d)
		}
	}
	_, _ = a, c
	if runtime.TimeInterval(0) != runtime.Immediate() {
		t.Error("TimeInterval(0) is not Immediate")
	}
}

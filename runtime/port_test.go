package runtime_test

import (
	"context"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"slices"
	"strings"
	"sync"
	"testing"
	texttemplate "text/template"

	"github.com/routigen/routigen/runtime"
)

type order struct {
	ID    int
	Total int
}

type invoice struct{ OrderID int }

var (
	orderIn   = runtime.NewIn[order]("order")
	accepted  = runtime.NewOut[order]("accepted")
	invoiceIn = runtime.NewIn[invoice]("invoice")
	intIn     = runtime.NewIn[int]("in")
	intOut    = runtime.NewOut[int]("out")
)

// typedShop is intake -> billing over typed ports: intake accepts orders
// with a positive total, billing records what it got.
func typedShop(t *testing.T, got *recorder[order]) *runtime.Flow {
	t.Helper()
	intake := runtime.NewRoutine("intake").In(orderIn).Out(accepted).
		Logic(func(ctx context.Context, in runtime.Input) error {
			for _, o := range orderIn.From(in) {
				if o.Total > 0 {
					if err := accepted.Emit(ctx, o); err != nil {
						return err
					}
				}
			}
			return nil
		})
	billing := runtime.NewRoutine("billing").In(orderIn).
		Logic(func(ctx context.Context, in runtime.Input) error {
			for _, o := range orderIn.From(in) {
				got.add(o)
			}
			return nil
		})
	f := runtime.NewFlow("shop")
	mustAdd(t, f, "intake", intake)
	mustAdd(t, f, "billing", billing)
	mustConnect(t, f, "intake", "accepted", "billing", "order")
	return f
}

func TestTypedPortsCarryValues(t *testing.T) {
	var got recorder[order]
	r := newRuntime(t)
	mustRegister(t, r, typedShop(t, &got))
	ctx := context.Background()
	var jobs []*runtime.JobContext
	for i := range 50 {
		job, err := orderIn.Post(ctx, r, "shop", "intake", order{ID: i, Total: i % 3})
		if err != nil {
			t.Fatalf("Post: %v", err)
		}
		jobs = append(jobs, job)
	}
	for _, j := range jobs {
		if err := waitJob(t, j); err != nil {
			t.Fatalf("job %s: %v", j.ID(), err)
		}
	}
	vals := got.get()
	slices.SortFunc(vals, func(a, b order) int { return a.ID - b.ID })
	var want []order
	for i := range 50 {
		if i%3 > 0 {
			want = append(want, order{ID: i, Total: i % 3})
		}
	}
	if !slices.Equal(vals, want) {
		t.Errorf("billing got %v, want %v", vals, want)
	}
}

func TestTypedBatch(t *testing.T) {
	var got recorder[[]int]
	src := runtime.NewRoutine("src").In(intIn).Out(intOut).Logic(func(ctx context.Context, in runtime.Input) error {
		for _, v := range intIn.From(in) {
			for k := range v {
				if err := intOut.Emit(ctx, k); err != nil {
					return err
				}
			}
		}
		return nil
	})
	sink := runtime.NewRoutine("sink").In(intIn).Policy(runtime.BatchSize(3)).Logic(func(ctx context.Context, in runtime.Input) error {
		got.add(slices.Clone(intIn.From(in)))
		return nil
	})
	f := runtime.NewFlow("batch")
	mustAdd(t, f, "src", src)
	mustAdd(t, f, "sink", sink)
	mustConnect(t, f, "src", "out", "sink", "in")
	r := newRuntime(t)
	mustRegister(t, r, f)
	job, err := intIn.Post(context.Background(), r, "batch", "src", 7)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	want := [][]int{{0, 1, 2}, {3, 4, 5}}
	if g := got.get(); !slices.EqualFunc(g, want, slices.Equal) {
		t.Errorf("batches %v, want %v", g, want)
	}
	// The seventh value is a partial batch: dropped and traced.
	if !slices.ContainsFunc(job.TraceLog(), func(e runtime.TraceEntry) bool {
		return e.Action == "dropped" && e.Details["count"] == 1 && e.Details["slot"] == "in"
	}) {
		t.Errorf("no dropped trace for the partial batch: %v", job.TraceLog())
	}
}

func TestConnectRejectsMismatchedPayloadTypes(t *testing.T) {
	strIn := runtime.NewIn[string]("in")
	msgIn := runtime.NewIn[runtime.Message]("in")
	msgOut := runtime.NewOut[runtime.Message]("out")
	routines := map[string]*runtime.Routine{
		"intOut": runtime.NewRoutine("a").Out(intOut).Logic(nop),
		"intIn":  runtime.NewRoutine("b").In(intIn).Logic(nop),
		"strIn":  runtime.NewRoutine("c").In(strIn).Logic(nop),
		"rawOut": runtime.NewRoutine("d").Event("out").Logic(nop),
		"rawIn":  runtime.NewRoutine("e").Slot("in").Logic(nop),
		"msgIn":  runtime.NewRoutine("f").In(msgIn).Logic(nop),
		"msgOut": runtime.NewRoutine("g").Out(msgOut).Logic(nop),
	}
	for _, tc := range []struct {
		from, to string
		want     []string // in the error; nil: the connection is allowed
	}{
		{"intOut", "intIn", nil},
		{"rawOut", "rawIn", nil},
		{"rawOut", "msgIn", nil}, // an untyped port is a port of Message
		{"msgOut", "rawIn", nil},
		{"msgOut", "msgIn", nil},
		{"intOut", "strIn", []string{"intOut.out -> strIn.in", "carries int", "takes string"}},
		{"intOut", "rawIn", []string{"intOut.out -> rawIn.in", "carries int", "takes runtime.Message"}},
		{"rawOut", "intIn", []string{"rawOut.out -> intIn.in", "carries runtime.Message", "takes int"}},
		{"msgOut", "strIn", []string{"msgOut.out -> strIn.in", "carries runtime.Message", "takes string"}},
	} {
		f := runtime.NewFlow("types")
		mustAdd(t, f, tc.from, routines[tc.from])
		mustAdd(t, f, tc.to, routines[tc.to])
		err := f.Connect(tc.from, "out", tc.to, "in")
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s -> %s: %v", tc.from, tc.to, err)
			}
			continue
		}
		if !errors.Is(err, runtime.ErrPayloadType) {
			t.Errorf("%s -> %s: err = %v, want ErrPayloadType", tc.from, tc.to, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s -> %s: error %q does not say %q", tc.from, tc.to, err, w)
			}
		}
		// Register of the flow without the rejected connection works.
		r := newRuntime(t)
		mustRegister(t, r, f)
	}
}

func TestTypedPortMisuse(t *testing.T) {
	strOut := runtime.NewOut[string]("out")
	var emitErrs recorder[error]
	// Declares "out" as int but emits strings and Messages on it, and
	// reads its int slot as strings.
	bad := runtime.NewRoutine("bad").In(intIn).Out(intOut).Logic(func(ctx context.Context, in runtime.Input) error {
		emitErrs.add(strOut.Emit(ctx, "x"))
		emitErrs.add(runtime.Emit(ctx, "out", runtime.Message{"v": 1}))
		emitErrs.add(runtime.NewOut[int]("nope").Emit(ctx, 1))
		if in.Slot("in") != nil {
			return errors.New("Input.Slot of a typed slot returned messages")
		}
		_ = runtime.NewIn[string]("in").From(in)
		return nil
	})
	f := runtime.NewFlow("misuse")
	mustAdd(t, f, "bad", bad)
	r := newRuntime(t)
	mustRegister(t, r, f)
	ctx := context.Background()

	if _, err := r.Post(ctx, "misuse", "bad", "in", runtime.Message{"v": 1}); !errors.Is(err, runtime.ErrPayloadType) ||
		!strings.Contains(err.Error(), "bad.in takes int, not runtime.Message") {
		t.Errorf("Post of a Message to an int slot: %v", err)
	}
	if _, err := runtime.NewIn[string]("in").Post(ctx, r, "misuse", "bad", "s"); !errors.Is(err, runtime.ErrPayloadType) {
		t.Errorf("Post of a string to an int slot: %v", err)
	}
	waitAll(t, r)
	for _, w := range r.Workers("misuse") {
		if n := w.JobsProcessed(); n != 0 {
			t.Errorf("rejected posts left %d jobs", n)
		}
	}

	job, err := intIn.Post(ctx, r, "misuse", "bad", 1)
	if err != nil {
		t.Fatal(err)
	}
	err = waitJob(t, job)
	var pe *runtime.PanicError
	if !errors.As(err, &pe) || !strings.Contains(fmt.Sprint(pe.Value), `slot "in" carries int, not string`) {
		t.Errorf("From with the wrong type: job error %v", err)
	}
	errs := emitErrs.get()
	if len(errs) != 3 {
		t.Fatalf("emit errors: %v", errs)
	}
	for i, want := range []error{runtime.ErrPayloadType, runtime.ErrPayloadType, runtime.ErrUnknownEvent} {
		if !errors.Is(errs[i], want) {
			t.Errorf("emit %d: %v, want %v", i, errs[i], want)
		}
	}
	if !strings.Contains(errs[0].Error(), `event "out" carries int, not string`) {
		t.Errorf("emit of a string on an int event: %v", errs[0])
	}
}

func TestTypedFromUnknownSlotPanics(t *testing.T) {
	in := runtime.InputWith(runtime.NewInput(nil), intIn, 1, 2)
	defer func() {
		if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), `no slot "order"`) {
			t.Errorf("recover() = %v", v)
		}
	}()
	orderIn.From(in)
}

func TestInputWith(t *testing.T) {
	in := runtime.NewInput(map[string][]runtime.Message{"raw": {{"k": 1}}})
	in = runtime.InputWith(in, orderIn, order{ID: 1}, order{ID: 2})
	in = runtime.InputWith(in, intIn, 5)
	if got := orderIn.From(in); !slices.Equal(got, []order{{ID: 1}, {ID: 2}}) {
		t.Errorf("orders %v", got)
	}
	if got := intIn.From(in); !slices.Equal(got, []int{5}) {
		t.Errorf("ints %v", got)
	}
	if got := in.Slot("raw"); len(got) != 1 || got[0]["k"] != 1 {
		t.Errorf("raw %v", got)
	}
	if got := runtime.NewIn[runtime.Message]("raw").From(in); len(got) != 1 || got[0]["k"] != 1 {
		t.Errorf("raw via In[Message] %v", got)
	}
	if got := in.Slots(); !slices.Equal(got, []string{"raw", "order", "in"}) {
		t.Errorf("slots %v", got)
	}
}

// typedHooks records what hooks see of typed payloads and vetoes one slot.
type typedHooks struct {
	runtime.NopHooks
	mu   sync.Mutex
	seen []string
}

func (h *typedHooks) OnEmit(ctx context.Context, event string, payload runtime.Message) {
	h.mu.Lock()
	h.seen = append(h.seen, fmt.Sprintf("emit %s %v", event, payload[runtime.ValueKey]))
	h.mu.Unlock()
}

func (h *typedHooks) BeforeEnqueue(ctx context.Context, routineID, slot string, msg runtime.Message) error {
	h.mu.Lock()
	h.seen = append(h.seen, fmt.Sprintf("enqueue %s.%s %v", routineID, slot, msg[runtime.ValueKey]))
	h.mu.Unlock()
	if routineID == "vetoed" {
		return errors.New("no")
	}
	return nil
}

func TestHooksSeeTypedPayloads(t *testing.T) {
	h := &typedHooks{}
	var emitErr recorder[error]
	var got recorder[int]
	src := runtime.NewRoutine("src").In(intIn).Out(intOut).Logic(func(ctx context.Context, in runtime.Input) error {
		emitErr.add(intOut.Emit(ctx, intIn.From(in)[0]+1))
		return nil
	})
	sink := runtime.NewRoutine("sink").In(intIn).Logic(func(ctx context.Context, in runtime.Input) error {
		got.add(intIn.From(in)[0])
		return nil
	})
	f := runtime.NewFlow("hooked")
	mustAdd(t, f, "src", src)
	mustAdd(t, f, "sink", sink)
	mustAdd(t, f, "vetoed", sink)
	mustConnect(t, f, "src", "out", "sink", "in")
	mustConnect(t, f, "src", "out", "vetoed", "in")
	r := newRuntime(t, runtime.WithHooks(h))
	mustRegister(t, r, f)
	job, err := intIn.Post(context.Background(), r, "hooked", "src", 41)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	seen := h.seen
	h.mu.Unlock()
	want := []string{"enqueue src.in 41", "emit out 42", "enqueue sink.in 42", "enqueue vetoed.in 42"}
	if !slices.Equal(seen, want) {
		t.Errorf("hooks saw %q, want %q", seen, want)
	}
	if g := got.get(); !slices.Equal(g, []int{42}) {
		t.Errorf("sink got %v (the vetoed instance must get nothing)", g)
	}
	if errs := emitErr.get(); len(errs) != 1 || !errors.Is(errs[0], runtime.ErrVetoed) {
		t.Errorf("emit error %v, want the veto", errs)
	}
}

func TestCustomPolicyOnTypedSlot(t *testing.T) {
	var got recorder[[]int]
	// Fires once the queued values add up to 10 or more.
	sum10 := runtime.Custom(func(v runtime.SlotView) bool {
		s := 0
		for _, x := range intIn.Queued(v) {
			s += x
		}
		if ms := v.Messages("in"); len(ms) != v.Len("in") || ms[0][runtime.ValueKey] != intIn.Queued(v)[0] {
			panic(fmt.Sprintf("Messages view %v disagrees with Queued %v", ms, intIn.Queued(v)))
		}
		if orderIn.Queued(v) != nil || runtime.NewIn[string]("in").Queued(v) != nil {
			panic("Queued of another slot or type returned values")
		}
		return s >= 10
	})
	src := runtime.NewRoutine("src").In(intIn).Out(intOut).Logic(func(ctx context.Context, in runtime.Input) error {
		for _, v := range []int{3, 4, 5, 6, 1} {
			if err := intOut.Emit(ctx, v); err != nil {
				return err
			}
		}
		return nil
	})
	sink := runtime.NewRoutine("sink").In(intIn).Policy(sum10).Logic(func(ctx context.Context, in runtime.Input) error {
		got.add(slices.Clone(intIn.From(in)))
		return nil
	})
	f := runtime.NewFlow("custom")
	mustAdd(t, f, "src", src)
	mustAdd(t, f, "sink", sink)
	mustConnect(t, f, "src", "out", "sink", "in")
	r := newRuntime(t)
	mustRegister(t, r, f)
	job, err := intIn.Post(context.Background(), r, "custom", "src", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	// Emits are queued while src runs, so the policy sees 3, 3+4, 3+4+5.
	if g := got.get(); len(g) == 0 || !slices.Equal(g[0], []int{3, 4, 5}) {
		t.Errorf("activations %v, want the first to take [3 4 5]", g)
	}
}

func TestMessagePortsMixWithUntyped(t *testing.T) {
	msgIn := runtime.NewIn[runtime.Message]("in")
	msgOut := runtime.NewOut[runtime.Message]("out")
	var got recorder[any]
	// typed Message out -> untyped slot -> untyped event -> typed Message in
	a := runtime.NewRoutine("a").Slot("in").Out(msgOut).Logic(func(ctx context.Context, in runtime.Input) error {
		return msgOut.Emit(ctx, runtime.Message{"v": in.Slot("in")[0]["v"].(int) + 1})
	})
	b := runtime.NewRoutine("b").Slot("in").Event("out").Logic(forward)
	c := runtime.NewRoutine("c").In(msgIn).Logic(func(ctx context.Context, in runtime.Input) error {
		got.add(msgIn.From(in)[0]["v"])
		if len(in.Slot("in")) != 1 {
			return errors.New("Input.Slot of a Message port is empty")
		}
		return nil
	})
	f := runtime.NewFlow("mixed")
	mustAdd(t, f, "a", a)
	mustAdd(t, f, "b", b)
	mustAdd(t, f, "c", c)
	mustConnect(t, f, "a", "out", "b", "in")
	mustConnect(t, f, "b", "out", "c", "in")
	r := newRuntime(t)
	mustRegister(t, r, f)
	job, err := msgIn.Post(context.Background(), r, "mixed", "a", runtime.Message{"v": 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := waitJob(t, job); err != nil {
		t.Fatal(err)
	}
	if g := got.get(); !slices.Equal(g, []any{2}) {
		t.Errorf("c got %v", g)
	}
}

func TestTypedPortBuilderErrors(t *testing.T) {
	for name, r := range map[string]*runtime.Routine{
		"zero In":          runtime.NewRoutine("z").In(runtime.In[int]{}).Logic(nop),
		"zero Out":         runtime.NewRoutine("z").Out(runtime.Out[int]{}).Logic(nop),
		"nil In":           runtime.NewRoutine("z").In(nil).Logic(nop),
		"nil Out":          runtime.NewRoutine("z").Out(nil).Logic(nop),
		"slot twice":       runtime.NewRoutine("z").In(intIn).Slot("in").Logic(nop),
		"event twice":      runtime.NewRoutine("z").Out(intOut).Out(runtime.NewOut[string]("out")).Logic(nop),
		"typed then typed": runtime.NewRoutine("z").In(intIn).In(runtime.NewIn[string]("in")).Logic(nop),
	} {
		if err := runtime.NewFlow("f").Add("z", r); err == nil {
			t.Errorf("%s: Add accepted the routine", name)
		}
	}
}

// A routine with a typed and an untyped slot under AllSlotsReady gets both
// in one activation: the typed values through From, the messages through
// Input.Slot.
func TestMixedSlotsInOneRoutine(t *testing.T) {
	aIn := runtime.NewIn[int]("a")
	aOut := runtime.NewOut[int]("a")
	type joined struct {
		ints []int
		msgs []runtime.Message
	}
	var got recorder[joined]
	src := runtime.NewRoutine("src").In(intIn).Out(aOut).Event("b").Logic(func(ctx context.Context, in runtime.Input) error {
		for _, v := range intIn.From(in) {
			for k := range v {
				if err := aOut.Emit(ctx, k); err != nil {
					return err
				}
			}
			if err := runtime.Emit(ctx, "b", runtime.Message{"n": v}); err != nil {
				return err
			}
		}
		return nil
	})
	join := runtime.NewRoutine("join").In(aIn).Slot("b").Policy(runtime.AllSlotsReady()).
		Logic(func(ctx context.Context, in runtime.Input) error {
			got.add(joined{slices.Clone(aIn.From(in)), slices.Clone(in.Slot("b"))})
			return nil
		})
	f := runtime.NewFlow("mixedslots")
	mustAdd(t, f, "src", src)
	mustAdd(t, f, "join", join)
	mustConnect(t, f, "src", "a", "join", "a")
	mustConnect(t, f, "src", "b", "join", "b")
	r := newRuntime(t)
	mustRegister(t, r, f)
	for _, n := range []int{1, 3} { // one value (inline), then several
		job, err := intIn.Post(context.Background(), r, "mixedslots", "src", n)
		if err != nil {
			t.Fatal(err)
		}
		if err := waitJob(t, job); err != nil {
			t.Fatal(err)
		}
	}
	g := got.get()
	if len(g) != 2 {
		t.Fatalf("activations %+v, want 2", g)
	}
	for i, want := range [][]int{{0}, {0, 1, 2}} {
		if !slices.Equal(g[i].ints, want) || len(g[i].msgs) != 1 || g[i].msgs[0]["n"] != len(want) {
			t.Errorf("activation %d: ints %v msgs %v, want ints %v and one message n=%d", i, g[i].ints, g[i].msgs, want, len(want))
		}
	}
}

// Post remembers its last target (see postTarget): posts that alternate
// between flows, routines and slots must each still reach their own.
func TestPostAlternatingTargets(t *testing.T) {
	var got recorder[string]
	rec := func(ctx context.Context, in runtime.Input) error {
		ec, err := runtime.RequireExec(ctx)
		if err != nil {
			return err
		}
		for _, s := range in.Slots() {
			for range in.Slot(s) {
				got.add(ec.FlowID + "." + ec.RoutineID + "." + s)
			}
		}
		return nil
	}
	r := newRuntime(t)
	for _, id := range []string{"f1", "f2"} {
		f := runtime.NewFlow(id)
		mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("x").Slot("y").Logic(rec))
		mustAdd(t, f, "b", runtime.NewRoutine("b").Slot("x").Logic(rec))
		mustRegister(t, r, f)
	}
	var want []string
	for i := range 4 {
		for _, tgt := range [][3]string{{"f1", "a", "x"}, {"f1", "a", "x"}, {"f2", "a", "x"}, {"f1", "b", "x"}, {"f1", "a", "y"}} {
			if err := waitJob(t, mustPost(t, r, tgt[0], tgt[1], tgt[2], runtime.Message{"i": i})); err != nil {
				t.Fatal(err)
			}
			want = append(want, strings.Join(tgt[:], "."))
		}
		if _, err := r.Post(context.Background(), "f1", "a", "z", nil); !errors.Is(err, runtime.ErrUnknownSlot) {
			t.Errorf("post to an unknown slot after a cached target: %v", err)
		}
	}
	if g := got.get(); !slices.Equal(g, want) {
		t.Errorf("posts reached %v, want %v", g, want)
	}
}

// Two types of one short name (template.Template of text/template and of
// html/template) are told apart in the error by their package paths.
func TestConnectNamesSameNamedTypesByPackage(t *testing.T) {
	f := runtime.NewFlow("templates")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Out(runtime.NewOut[texttemplate.Template]("out")).Logic(nop))
	mustAdd(t, f, "b", runtime.NewRoutine("b").In(runtime.NewIn[htmltemplate.Template]("in")).Logic(nop))
	err := f.Connect("a", "out", "b", "in")
	if !errors.Is(err, runtime.ErrPayloadType) ||
		!strings.Contains(err.Error(), "carries text/template.Template, the slot takes html/template.Template") {
		t.Errorf("Connect: %v", err)
	}
}

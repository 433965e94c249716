package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// loop is an in-process Backend shared by several runtimes: it hands each
// job to the node serving its worker, directly. It exercises the seam in
// the core module; package jetstream tests the real thing.
type loop struct {
	mu       sync.Mutex
	serving  map[string]*runtime.Node // by worker id
	specs    map[string]*runtime.JobSpec
	outcomes map[string]runtime.Outcome
	watchers map[string]map[int]func(runtime.Outcome)
	nextW    int
	attempt  int // the attempt number deliveries carry
	saved    map[string]runtime.WorkerSnapshot
	submits  int
}

func newLoop() *loop {
	return &loop{serving: map[string]*runtime.Node{}, specs: map[string]*runtime.JobSpec{},
		outcomes: map[string]runtime.Outcome{}, watchers: map[string]map[int]func(runtime.Outcome){},
		attempt: 1, saved: map[string]runtime.WorkerSnapshot{}}
}

type loopNode struct {
	l    *loop
	node *runtime.Node
}

func (l *loop) backend() *loopNode { return &loopNode{l: l} }

func (b *loopNode) Open(n *runtime.Node) { b.node = n }

func (b *loopNode) Serve(ctx context.Context, flowID, workerID string) error {
	b.l.mu.Lock()
	defer b.l.mu.Unlock()
	if _, ok := b.l.serving[workerID]; !ok {
		b.l.serving[workerID] = b.node
		if snap, ok := b.l.saved[workerID]; ok {
			return b.node.LoadWorker(flowID, workerID, snap)
		}
	}
	return nil
}

func (b *loopNode) Submit(ctx context.Context, spec *runtime.JobSpec) error {
	l := b.l
	l.mu.Lock()
	if _, dup := l.specs[spec.ID]; dup {
		l.mu.Unlock()
		return nil
	}
	l.specs[spec.ID] = spec
	l.submits++
	n := l.serving[spec.WorkerID]
	attempt := l.attempt
	l.mu.Unlock()
	if n == nil {
		return nil // waits for a node, as in a stream
	}
	_, err := n.Run(spec, attempt, func(job *runtime.JobContext, released bool) {
		snap, changed, _, err := n.SaveWorker(spec.WorkerID)
		o := runtime.Outcome{Status: job.Status(), Err: job.Err(), Result: job.Result(), CompletedAt: job.CompletedAt()}
		if err != nil {
			o = runtime.Outcome{Status: runtime.JobFailed, Err: err}
		}
		l.mu.Lock()
		if changed {
			l.saved[spec.WorkerID] = snap
		}
		if prev, ok := l.outcomes[spec.ID]; ok {
			o = prev // the first outcome stands (a Cancel's)
		}
		l.outcomes[spec.ID] = o
		ws := l.watchers[spec.ID]
		delete(l.watchers, spec.ID)
		l.mu.Unlock()
		for _, w := range ws {
			w(o)
		}
	})
	return err
}

func (b *loopNode) Watch(jobID string, report func(runtime.Outcome)) func() {
	l := b.l
	l.mu.Lock()
	if o, ok := l.outcomes[jobID]; ok {
		l.mu.Unlock()
		report(o)
		return func() {}
	}
	if l.watchers[jobID] == nil {
		l.watchers[jobID] = map[int]func(runtime.Outcome){}
	}
	l.nextW++
	k := l.nextW
	l.watchers[jobID][k] = report
	l.mu.Unlock()
	return func() {
		l.mu.Lock()
		delete(l.watchers[jobID], k)
		l.mu.Unlock()
	}
}

func (b *loopNode) Lookup(ctx context.Context, jobID string) (*runtime.JobSpec, *runtime.Outcome, error) {
	b.l.mu.Lock()
	defer b.l.mu.Unlock()
	spec, ok := b.l.specs[jobID]
	if !ok {
		return nil, nil, runtime.ErrUnknownJob
	}
	if o, ok := b.l.outcomes[jobID]; ok {
		return spec, &o, nil
	}
	return spec, nil, nil
}

func (b *loopNode) Close(ctx context.Context) error { return nil }

func (b *loopNode) Cancel(ctx context.Context, spec *runtime.JobSpec, cause error) error {
	l := b.l
	l.mu.Lock()
	if _, done := l.outcomes[spec.ID]; done {
		l.mu.Unlock()
		return nil
	}
	o := runtime.Outcome{Status: runtime.JobCancelled, Err: cause, CompletedAt: time.Now()}
	l.outcomes[spec.ID] = o
	ws := l.watchers[spec.ID]
	delete(l.watchers, spec.ID)
	n := l.serving[spec.WorkerID]
	l.mu.Unlock()
	for _, w := range ws {
		w(o)
	}
	if n != nil {
		n.Cancel(spec.ID, cause)
	}
	return nil
}

// tally is a worker-scope state type with a hand-written codec, as the
// generator writes them: by field name, unexported fields included.
type tally struct {
	N    int
	seen []string
	hook func()
}

var tallyCodec = runtime.StateCodec[tally]{
	Encode: func(v *tally) ([]byte, error) {
		if v.hook != nil {
			return nil, errors.New(`field "hook": a func cannot be stored`)
		}
		return json.Marshal(map[string]any{"N": v.N, "seen": v.seen})
	},
	Decode: func(b []byte, v *tally) error {
		var m struct {
			N    int      `json:"N"`
			Seen []string `json:"seen"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		v.N, v.seen = m.N, m.Seen
		return nil
	},
}

func tallyOf(ctx context.Context) (*runtime.Cell[tally], error) {
	return runtime.WorkerCell[tally](ctx, "tally", runtime.PerRoutine, tallyCodec)
}

func countingFlow(t *testing.T, attempts chan<- int) *runtime.Flow {
	t.Helper()
	r := runtime.NewRoutine("count").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		ec, err := runtime.RequireExec(ctx)
		if err != nil {
			return err
		}
		if attempts != nil {
			attempts <- ec.Attempt
		}
		c, err := tallyOf(ctx)
		if err != nil {
			return err
		}
		m := in.Slot("in")[0]
		if _, ok := m["hook"]; ok {
			c.Update(func(v *tally) { v.hook = func() {} })
		}
		c.Update(func(v *tally) { v.N++; v.seen = append(v.seen, ec.Job.ID()) })
		ec.Job.SetResult(m["n"])
		return nil
	})
	f := runtime.NewFlow("counting")
	if err := f.Add("count", r); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestBackendRunsPostOnAnotherNode(t *testing.T) {
	l := newLoop()
	front := runtime.New(runtime.WithBackend(l.backend()), runtime.PostOnly(), runtime.WithNodeID("front"))
	attempts := make(chan int, 4)
	worker := runtime.New(runtime.WithBackend(l.backend()), runtime.WithNodeID("worker"))
	t.Cleanup(func() { front.Close(); worker.Close() })
	for _, rt := range []*runtime.Runtime{worker, front} {
		if err := rt.Register(countingFlow(t, attempts)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := front.Exec(context.Background(), "counting"); !errors.Is(err, runtime.ErrClosed) {
		t.Errorf("Exec on a post-only node: %v, want ErrClosed", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	job, err := front.Post(ctx, "counting", "count", "in", runtime.Message{"n": 41}, runtime.WithJobID("j1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if got, ok := job.Result().(int); !ok || got != 41 {
		t.Errorf("Result() = %#v, want int 41", job.Result())
	}
	if job.WorkerID() != runtime.DefaultWorkerID("counting") || job.Status() != runtime.JobCompleted {
		t.Errorf("worker %q status %v", job.WorkerID(), job.Status())
	}
	if a := <-attempts; a != 1 {
		t.Errorf("Attempt = %d, want 1", a)
	}
	// A second post of the id runs no second job.
	again, err := front.Post(ctx, "counting", "count", "in", runtime.Message{"n": 1}, runtime.WithJobID("j1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Wait(ctx); err != nil || again.Result() != 41 {
		t.Errorf("duplicate post: %v, result %v", err, again.Result())
	}
	if l.submits != 1 {
		t.Errorf("%d jobs submitted, want 1", l.submits)
	}
	// Lookup finds the job from any node; an unknown id is ErrUnknownJob.
	found, err := worker.Lookup(ctx, "j1")
	if err != nil || found.Status() != runtime.JobCompleted || found.Result() != 41 {
		t.Errorf("Lookup: %v, %v", found, err)
	}
	if _, err := front.Lookup(ctx, "nope"); !errors.Is(err, runtime.ErrUnknownJob) {
		t.Errorf("Lookup of an unknown id: %v", err)
	}
	// Post validates against the poster's registration.
	if _, err := front.Post(ctx, "counting", "count", "nope", nil); !errors.Is(err, runtime.ErrUnknownSlot) {
		t.Errorf("unknown slot: %v", err)
	}
	if err := front.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestBackendAttemptAndStateReload(t *testing.T) {
	l := newLoop()
	l.attempt = 2
	a := runtime.New(runtime.WithBackend(l.backend()))
	if err := a.Register(countingFlow(t, nil)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var ids []string
	for i := range 3 {
		job, err := a.Post(ctx, "counting", "count", "in", runtime.Message{"n": i})
		if err != nil {
			t.Fatal(err)
		}
		if err := job.Wait(ctx); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, job.ID())
	}
	a.Close()
	snap := l.saved[runtime.DefaultWorkerID("counting")]
	if len(snap.Cells) != 1 || !strings.Contains(string(snap.Cells["tally/count"]), `"N":3`) {
		t.Fatalf("saved cells %q, want tally/count with N 3", snap.Cells)
	}

	// Another node serving the worker reloads its state, unexported fields
	// included, and goes on from there.
	l.serving = map[string]*runtime.Node{}
	b := runtime.New(runtime.WithBackend(l.backend()))
	defer b.Close()
	attempts := make(chan int, 1)
	if err := b.Register(countingFlow(t, attempts)); err != nil {
		t.Fatal(err)
	}
	job, err := b.Post(ctx, "counting", "count", "in", runtime.Message{"n": 9})
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if a := <-attempts; a != 2 {
		t.Errorf("Attempt = %d, want the delivery's 2", a)
	}
	var got tally
	if err := tallyCodec.Decode(l.saved[runtime.DefaultWorkerID("counting")].Cells["tally/count"], &got); err != nil {
		t.Fatal(err)
	}
	if got.N != 4 || len(got.seen) != 4 || got.seen[2] != ids[2] {
		t.Errorf("reloaded state %+v, want N 4 and the first three ids kept", got)
	}

	// A value that cannot be encoded is an error naming the cell and field.
	job, err = b.Post(ctx, "counting", "count", "in", runtime.Message{"hook": true})
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err == nil || !strings.Contains(err.Error(), `"tally/count"`) || !strings.Contains(err.Error(), `"hook"`) {
		t.Errorf("unencodable state: %v, want an error naming tally/count and hook", err)
	}
}

func TestBackendStateWithoutCodec(t *testing.T) {
	l := newLoop()
	rt := runtime.New(runtime.WithBackend(l.backend()))
	defer rt.Close()
	r := runtime.NewRoutine("raw").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		c, err := runtime.WorkerCell[tally](ctx, "tally", runtime.PerRoutine) // no codec
		if err != nil {
			return err
		}
		c.Update(func(v *tally) { v.N++ })
		return nil
	})
	f := runtime.NewFlow("raw")
	if err := f.Add("raw", r); err != nil {
		t.Fatal(err)
	}
	if err := rt.Register(f); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	job, err := rt.Post(ctx, "raw", "raw", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err == nil || !strings.Contains(err.Error(), "no state codec") {
		t.Errorf("a worker cell without codec under a Backend: %v, want a no-codec error", err)
	}
}

func TestBackendTypedSlotCrosses(t *testing.T) {
	type order struct{ Qty int }
	in := runtime.NewIn[order]("order")
	got := make(chan order, 1)
	r := runtime.NewRoutine("take").In(in).Logic(func(ctx context.Context, i runtime.Input) error {
		got <- in.From(i)[0]
		return nil
	})
	f := runtime.NewFlow("typed")
	if err := f.Add("take", r); err != nil {
		t.Fatal(err)
	}
	l := newLoop()
	rt := runtime.New(runtime.WithBackend(l.backend()))
	defer rt.Close()
	if err := rt.Register(f); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	job, err := in.Post(ctx, rt, "typed", "take", order{Qty: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if o := <-got; o.Qty != 3 {
		t.Errorf("got %+v", o)
	}
	if spec := l.specs[job.ID()]; fmt.Sprintf("%T", spec.Data) != "runtime_test.order" {
		t.Errorf("the spec carries %T, want the payload itself", spec.Data)
	}
	if _, err := rt.Post(ctx, "typed", "take", "order", runtime.Message{}); !errors.Is(err, runtime.ErrPayloadType) {
		t.Errorf("a Message to a typed slot: %v", err)
	}
}

// Cancel on the view of a remote job cancels the job where it runs.
func TestBackendCancelRemoteJob(t *testing.T) {
	l := newLoop()
	front := runtime.New(runtime.WithBackend(l.backend()), runtime.PostOnly())
	back := runtime.New(runtime.WithBackend(l.backend()))
	defer front.Close()
	defer back.Close()
	started, ended := make(chan struct{}), make(chan error, 1)
	hold := runtime.NewRoutine("hold").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		close(started)
		<-ctx.Done()
		ended <- context.Cause(ctx)
		return ctx.Err()
	})
	for _, rt := range []*runtime.Runtime{back, front} {
		f := runtime.NewFlow("hold")
		if err := errors.Join(f.Add("hold", hold), rt.Register(f)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	job, err := front.Post(ctx, "hold", "hold", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	<-started
	stop := errors.New("stop it")
	job.Cancel(stop)
	if err := job.Wait(ctx); !errors.Is(err, stop) || job.Status() != runtime.JobCancelled {
		t.Errorf("view: %v, %v", err, job.Status())
	}
	select {
	case <-ended:
	case <-ctx.Done():
		t.Fatal("the run on the other node was not cancelled")
	}
}

// A post-only runtime without a Backend has nowhere to run a job: Post
// says so rather than running it here.
func TestPostOnlyWithoutBackend(t *testing.T) {
	rt := runtime.New(runtime.PostOnly())
	defer rt.Close()
	if err := rt.Register(countingFlow(t, nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Post(context.Background(), "counting", "count", "in", nil); err == nil || !strings.Contains(err.Error(), "Backend") {
		t.Errorf("Post on a post-only runtime without a Backend: %v", err)
	}
}

// PayloadTypes lists the types of a registered flow's typed ports, each
// once, in declaration order; nothing for Message ports or unknown flows.
func TestNodePayloadTypes(t *testing.T) {
	b := newLoop().backend()
	r := runtime.New(runtime.WithBackend(b), runtime.PostOnly())
	defer r.Close()
	type order struct{ ID int }
	ints, orders := runtime.NewIn[int]("n"), runtime.NewIn[order]("o")
	f := runtime.NewFlow("typed")
	mustAdd(t, f, "a", runtime.NewRoutine("a").In(ints).In(orders).Slot("raw").Out(runtime.NewOut[string]("s")).Event("e").Logic(nop))
	mustAdd(t, f, "b", runtime.NewRoutine("b").In(runtime.NewIn[order]("again")).Logic(nop))
	mustRegister(t, r, f)
	want := []reflect.Type{reflect.TypeFor[int](), reflect.TypeFor[order](), reflect.TypeFor[string]()}
	if got := b.node.PayloadTypes("typed"); !slices.Equal(got, want) {
		t.Errorf("PayloadTypes = %v, want %v", got, want)
	}
	if got := b.node.PayloadTypes("nope"); got != nil {
		t.Errorf("PayloadTypes of an unknown flow = %v", got)
	}
}

// boomCodec's Encode and Decode panic, as a hand-written codec, or a field
// whose MarshalJSON panics, can.
var boomCodec = runtime.StateCodec[tally]{
	Encode: func(*tally) ([]byte, error) { panic("encode bug") },
	Decode: func([]byte, *tally) error { panic("decode bug") },
}

// A codec that panics is an error naming the cell and wrapping a
// *PanicError, wherever it runs: in WorkerCell (under the worker's cell
// store lock, which a panic used to leave held, so that every later
// access to the worker's state hung), in LoadWorker and in SaveWorker (on
// the Backend's goroutine, which a panic would crash).
func TestStateCodecPanics(t *testing.T) {
	l := newLoop()
	b := l.backend()
	r := runtime.New(runtime.WithBackend(b))
	t.Cleanup(func() { closeWithin(t, r, 5*time.Second) })
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		c, err := runtime.WorkerCell[tally](ctx, "boom", runtime.PerRoutine, boomCodec)
		if err != nil {
			return err
		}
		c.Update(func(v *tally) { v.N++ })
		return nil
	}))
	mustRegister(t, r, f)
	wid := runtime.DefaultWorkerID("f")
	wantCodecPanic := func(what string, err error, fn string) {
		t.Helper()
		var pe *runtime.PanicError
		if !errors.As(err, &pe) || pe.Func != fn || !strings.Contains(err.Error(), `worker state "boom/a"`) {
			t.Errorf("%s: %v, want an error naming worker state \"boom/a\" wrapping a *PanicError of %s", what, err, fn)
		}
	}
	if err := b.node.LoadWorker("f", wid, runtime.WorkerSnapshot{Cells: map[string][]byte{"boom/a": []byte(`{}`)}}); err != nil {
		t.Fatal(err) // cells decode on first use
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := range 2 { // the second finds the store unlocked
		done := make(chan struct{})
		var jobErr error
		_, err := b.node.Run(&runtime.JobSpec{ID: fmt.Sprint("d", i), FlowID: "f", WorkerID: wid, RoutineID: "a", Slot: "in"}, 1,
			func(job *runtime.JobContext, _ bool) { jobErr = job.Err(); close(done) })
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-done:
		case <-ctx.Done():
			t.Fatalf("job %d with a panicking Decode did not finish", i)
		}
		wantCodecPanic(fmt.Sprint("job ", i), jobErr, "StateCodec.Decode")
	}
	// Once the cell exists (made by a load that has nothing for it),
	// LoadWorker decodes it in place, and SaveWorker encodes it.
	if err := b.node.LoadWorker("f", wid, runtime.WorkerSnapshot{}); err != nil {
		t.Fatal(err)
	}
	job, err := r.Post(ctx, "f", "a", "in", runtime.Message{})
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); !errors.As(err, new(*runtime.PanicError)) {
		t.Fatalf("job that saved with a panicking Encode: %v, want the panic as its outcome", err)
	}
	_, _, _, err = b.node.SaveWorker(wid)
	wantCodecPanic("SaveWorker", err, "StateCodec.Encode")
	err = b.node.LoadWorker("f", wid, runtime.WorkerSnapshot{Cells: map[string][]byte{"boom/a": []byte(`{}`)}})
	wantCodecPanic("LoadWorker", err, "StateCodec.Decode")
}

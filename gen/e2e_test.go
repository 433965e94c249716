package gen_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/gen/gentest"
)

// e2eState is the annotated package of the end-to-end module.
const e2eState = `// Package state holds the routines' state types.
package state

//go:generate go run github.com/routigen/routigen/cmd/routigen

// Loop is per routine instance, per job.
//
//routigen:state scope=job
type Loop struct {
	Iteration int
	History   []string
	Seen      map[string]int
}

// Count lives in the worker, per routine instance.
//
//routigen:state scope=worker
type Count struct {
	Jobs int
}

// Session is handed from the ingress routine to the others of the job.
//
//routigen:state scope=job shared
type Session struct {
	UserID string
}

// Scalars mixes every scalar kind with fields that are not scalars, some
// without accessors: its getters read the runtime's atomic words, whose
// numbering the generator must agree on.
//
//routigen:state scope=job
type Scalars struct {
	B      bool
	S      string
	I8     int8
	skip   int
	U16    uint16
	Tag    []string
	I32    int32
	F32    float32
	Hidden int ` + "`routigen:\"-\"`" + `
	U      uint
	Temp   Celsius
	I64    int64
	C      complex64
	P      uintptr
	Flag
}

// Celsius is a named float.
type Celsius float64

// Flag is a named bool, embedded.
type Flag bool

// Total is shared by every routine of the worker.
//
//routigen:state scope=worker shared key=e2e.total
type Total struct {
	N int
}
`

// e2eTest runs inside the generated module, against the real runtime.
const e2eTest = `package state_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"

	"example.com/e2e/state"
)

type recorder struct {
	mu  sync.Mutex
	got map[string][]string
}

func (r *recorder) add(k string, v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.got == nil {
		r.got = map[string][]string{}
	}
	r.got[k] = append(r.got[k], fmt.Sprint(v))
}

func (r *recorder) get(k string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got[k]...)
}

func must(t *testing.T, errs ...error) {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func newRuntime(t *testing.T, f *runtime.Flow) *runtime.Runtime {
	rt := runtime.New(runtime.WithWorkers(4))
	t.Cleanup(func() { rt.Close() })
	must(t, rt.Register(f))
	return rt
}

// Getters of scalar fields read the value every writer left: Store,
// Update (even one that panics) and the setters.
func TestScalarWords(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "a")
	s, err := state.ScalarsOf(ctx)
	must(t, err)
	check := func(how string, w state.Scalars) {
		t.Helper()
		got := state.Scalars{B: s.B(), S: s.S(), I8: s.I8(), U16: s.U16(), Tag: s.Tag(), I32: s.I32(), F32: s.F32(),
			U: s.U(), Temp: s.Temp(), I64: s.I64(), C: s.C(), P: s.P(), Flag: s.Flag()}
		w.Hidden = 0
		if fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("after %s: getters read %+v, want %+v", how, got, w)
		}
	}
	want := state.Scalars{B: true, S: "s", I8: -3, U16: 65535, Tag: []string{"t"}, I32: -70000, F32: -1.5,
		Hidden: 9, U: 1 << 40, Temp: 36.6, I64: -1 << 62, C: 1i, P: 7, Flag: true}
	s.Store(want)
	check("Store", want)
	func() {
		defer func() { _ = recover() }()
		s.Update(func(v *state.Scalars) {
			v.I8, v.F32, v.Flag, v.B = 127, 2.25, false, false
			panic("half way")
		})
	}()
	want.I8, want.F32, want.Flag, want.B = 127, 2.25, false, false
	check("a panicking Update", want)
	s.SetI64(-5)
	s.SetTemp(-273.15)
	s.SetU16(0)
	want.I64, want.Temp, want.U16 = -5, -273.15, 0
	check("setters", want)
}

// Two instances of one routine in one flow keep separate job state.
func TestTwoInstances(t *testing.T) {
	var rec recorder
	counter := runtime.NewRoutine("counter").Slot("in").Event("out").
		Logic(func(ctx context.Context, in runtime.Input) error {
			st, err := state.LoopOf(ctx)
			if err != nil {
				return err
			}
			ec, _ := runtime.RequireExec(ctx)
			n := 1
			if ec.RoutineID == "first" {
				n = 3
			}
			for range n {
				st.Update(func(s *state.Loop) {
					s.Iteration++
					s.History = append(s.History, ec.RoutineID)
				})
			}
			rec.add(ec.RoutineID, st.Iteration())
			rec.add(ec.RoutineID+".history", len(st.History()))
			rec.add(ec.RoutineID+".key", st.Key())
			if ec.RoutineID == "first" {
				return runtime.Emit(ctx, "out", nil)
			}
			return nil
		})
	f := runtime.NewFlow("twice")
	must(t, f.Add("first", counter), f.Add("second", counter), f.Connect("first", "out", "second", "in"))
	rt := newRuntime(t, f)
	ctx := context.Background()
	job, err := rt.Post(ctx, "twice", "first", "in", nil)
	must(t, err)
	must(t, job.Wait(ctx))
	if got := rec.get("first"); len(got) != 1 || got[0] != "3" {
		t.Errorf("first: %v, want [3]", got)
	}
	if got := rec.get("second"); len(got) != 1 || got[0] != "1" {
		t.Errorf("second: %v, want [1] (state leaked between instances?)", got)
	}
	if a, b := rec.get("first.key"), rec.get("second.key"); a[0] == b[0] {
		t.Errorf("both instances have key %s", a[0])
	}
	if len(job.Data()) != 0 {
		t.Errorf("typed state went through SetData: %v", job.Data())
	}
}

// Worker state persists across jobs and stays separate per routine id;
// shared worker state is one value for the flow.
func TestWorkerState(t *testing.T) {
	var rec recorder
	count := runtime.NewRoutine("count").Slot("in").
		Logic(func(ctx context.Context, in runtime.Input) error {
			c, err := state.CountOf(ctx)
			if err != nil {
				return err
			}
			tot, err := state.TotalOf(ctx)
			if err != nil {
				return err
			}
			var n int
			c.Update(func(s *state.Count) { s.Jobs++; n = s.Jobs })
			var m int
			tot.Update(func(s *state.Total) { s.N++; m = s.N })
			ec, _ := runtime.RequireExec(ctx)
			rec.add(ec.RoutineID, n)
			rec.add("total", m)
			return nil
		})
	f := runtime.NewFlow("workers")
	must(t, f.Add("w1", count), f.Add("w2", count))
	rt := newRuntime(t, f)
	ctx := context.Background()
	for i := range 5 {
		id := "w1"
		if i >= 3 {
			id = "w2"
		}
		job, err := rt.Post(ctx, "workers", id, "in", nil)
		must(t, err)
		must(t, job.Wait(ctx))
	}
	if got := rec.get("w1"); fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("w1 saw %v, want [1 2 3] (worker state must persist across jobs)", got)
	}
	if got := rec.get("w2"); fmt.Sprint(got) != "[1 2]" {
		t.Errorf("w2 saw %v, want [1 2] (worker state must be per routine id)", got)
	}
	if got := rec.get("total"); fmt.Sprint(got) != "[1 2 3 4 5]" {
		t.Errorf("shared worker state saw %v, want [1 2 3 4 5]", got)
	}
	if ws := rt.Workers("workers"); len(ws) != 1 {
		t.Fatalf("want one default worker, got %d", len(ws))
	}
}

// Shared job state is visible across the routines of one job, and not
// across jobs.
func TestSharedJobState(t *testing.T) {
	var rec recorder
	ingress := runtime.NewRoutine("ingress").Slot("in").Event("out").
		Logic(func(ctx context.Context, in runtime.Input) error {
			s, err := state.SessionOf(ctx)
			if err != nil {
				return err
			}
			rec.add("before", s.UserID())
			s.SetUserID(in.Slot("in")[0]["user"].(string))
			return runtime.Emit(ctx, "out", nil)
		})
	use := runtime.NewRoutine("use").Slot("in").
		Logic(func(ctx context.Context, in runtime.Input) error {
			s, err := state.SessionOf(ctx)
			if err != nil {
				return err
			}
			rec.add("after", s.UserID())
			return nil
		})
	f := runtime.NewFlow("shared")
	must(t, f.Add("ingress", ingress), f.Add("use", use), f.Connect("ingress", "out", "use", "in"))
	rt := newRuntime(t, f)
	ctx := context.Background()
	for _, u := range []string{"alice", "bob"} {
		job, err := rt.Post(ctx, "shared", "ingress", "in", runtime.Message{"user": u})
		must(t, err)
		must(t, job.Wait(ctx))
	}
	if got := fmt.Sprint(rec.get("after")); got != "[alice bob]" {
		t.Errorf("downstream saw %s, want [alice bob]", got)
	}
	if got := fmt.Sprint(rec.get("before")); got != "[ ]" {
		t.Errorf("ingress saw %s before setting, want empty values (job state leaked across jobs)", got)
	}
}

// Update from 64 goroutines loses no increment.
func TestConcurrentUpdate(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "r")
	st, err := state.LoopOf(ctx)
	must(t, err)
	w, err := state.CountOf(ctx)
	must(t, err)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for range 500 {
				st.Update(func(s *state.Loop) { s.Iteration++ })
				w.Update(func(s *state.Count) { s.Jobs++ })
				_ = st.Iteration()
				_ = st.Load()
			}
		})
	}
	wg.Wait()
	if got := st.Iteration(); got != 64*500 {
		t.Errorf("job state: %d increments, want %d", got, 64*500)
	}
	if got := w.Jobs(); got != 64*500 {
		t.Errorf("worker state: %d increments, want %d", got, 64*500)
	}
}

// TOf outside a job fails fast with the right sentinel.
func TestFailFast(t *testing.T) {
	bg := context.Background()
	if _, err := state.LoopOf(bg); !errors.Is(err, runtime.ErrNoJob) {
		t.Errorf("LoopOf(no job) = %v, want ErrNoJob", err)
	}
	if _, err := state.SessionOf(bg); !errors.Is(err, runtime.ErrNoJob) {
		t.Errorf("SessionOf(no job) = %v, want ErrNoJob", err)
	}
	if _, err := state.CountOf(bg); !errors.Is(err, runtime.ErrNoRoutine) {
		t.Errorf("CountOf(no activation) = %v, want ErrNoRoutine", err)
	}
	if _, err := state.TotalOf(bg); !errors.Is(err, runtime.ErrNoRoutine) {
		t.Errorf("TotalOf(no activation) = %v, want ErrNoRoutine", err)
	}
	_, job, _ := runtimetest.NewContext(t, "r")
	jobOnly := runtime.WithJob(bg, job)
	if _, err := state.LoopOf(jobOnly); !errors.Is(err, runtime.ErrNoRoutine) {
		t.Errorf("LoopOf(job, no routine) = %v, want ErrNoRoutine", err)
	}
	if _, err := state.SessionOf(jobOnly); err != nil {
		t.Errorf("SessionOf(job, no routine) = %v, want shared job state", err)
	}
	if _, err := state.LoopOf(bg); err == nil || err.Error()[:7] != "LoopOf:" {
		t.Errorf("error %q does not name the accessor", err)
	}
}

// Copies share no slice or map with the stored value; instances and jobs
// are separate in runtimetest contexts too.
func TestCopies(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "a")
	a, err := state.LoopOf(ctx)
	must(t, err)
	h := []string{"x"}
	a.SetHistory(h)
	h[0] = "changed"
	if a.History()[0] != "x" {
		t.Error("SetHistory kept the caller's slice")
	}
	a.History()[0] = "changed"
	if a.History()[0] != "x" {
		t.Error("History returned the stored slice")
	}
	a.Store(state.Loop{Seen: map[string]int{"k": 1}})
	l := a.Load()
	l.Seen["k"] = 2
	if a.Load().Seen["k"] != 1 {
		t.Error("Load shared the stored map")
	}
	b, err := state.LoopOf(runtimetest.WithRoutine(ctx, "b"))
	must(t, err)
	if b.Load().Seen != nil || a.Key() == b.Key() {
		t.Errorf("instances share state: %q %q", a.Key(), b.Key())
	}
}
`

// TestEndToEnd generates the accessors of a package into a fresh module,
// then vets and tests, in that module, a test file that uses them against
// the real runtime (flows, workers, jobs). One module, one go test.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a module (-short)")
	}
	dir := gentest.NewModule(t, "example.com/e2e", map[string][]byte{
		"state/state.go":      []byte(e2eState),
		"state/state_test.go": []byte(e2eTest),
	})
	res := generate(t, dir, "./...")
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := res.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := filepath.Glob(filepath.Join(dir, "state", gen.FileName)); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet: %v\n%s", err, out)
	}
	cmd = exec.Command("go", "test", "-count=1", "./...")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in the generated module: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "ok") {
		t.Fatalf("go test output:\n%s", out)
	}
}

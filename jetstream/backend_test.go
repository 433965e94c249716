package jetstream

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/routigen/routigen/runtime"
)

// counter is worker state with a hand-written codec, as gen emits them.
type counter struct{ n int }

var counterCodec = runtime.StateCodec[counter]{
	Encode: func(v *counter) ([]byte, error) { return json.Marshal(map[string]int{"n": v.n}) },
	Decode: func(b []byte, v *counter) error {
		var m map[string]int
		err := json.Unmarshal(b, &m)
		v.n = m["n"]
		return err
	},
}

// countFlow counts its jobs in worker state and returns the count as the
// job's result; runs counts executions, block (when set) holds logic.
func countFlow(t testing.TB, runs *atomic.Int64, block <-chan struct{}) *runtime.Flow {
	r := runtime.NewRoutine("count").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		runs.Add(1)
		if block != nil {
			select {
			case <-block:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		c, err := runtime.WorkerCell[counter](ctx, "counter", runtime.PerRoutine, counterCodec)
		if err != nil {
			return err
		}
		var n int
		c.Update(func(v *counter) { v.n++; n = v.n })
		job, err := runtime.RequireJob(ctx)
		if err != nil {
			return err
		}
		job.SetResult(n)
		return nil
	})
	f := runtime.NewFlow("count")
	if err := f.Add("count", r); err != nil {
		t.Fatal(err)
	}
	return f
}

func register(t testing.TB, rt *runtime.Runtime, f *runtime.Flow) {
	t.Helper()
	if err := rt.Register(f); err != nil {
		t.Fatal(err)
	}
}

func timeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// A job posted on a post-only node runs on another; Wait, Result and
// Lookup work from both.
func TestWaitOnAnotherNode(t *testing.T) {
	s := testServer(t)
	p := newPrefix()
	var runs atomic.Int64
	front, _ := testNode(t, s, p, runtime.PostOnly())
	back, _ := testNode(t, s, p, runtime.WithNodeID("back"))
	register(t, front, countFlow(t, &runs, nil))
	register(t, back, countFlow(t, &runs, nil))
	ctx := timeout(t, 15*time.Second)
	job, err := front.Post(ctx, "count", "count", "in", nil, runtime.WithJobID("order-1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if job.Result() != 1 || job.Status() != runtime.JobCompleted {
		t.Errorf("result %#v status %v", job.Result(), job.Status())
	}
	for _, rt := range []*runtime.Runtime{front, back} {
		got, err := rt.Lookup(ctx, "order-1")
		if err != nil {
			t.Fatal(err)
		}
		if err := got.Wait(ctx); err != nil || got.Result() != 1 || got.FlowID() != "count" {
			t.Errorf("Lookup: %v, result %#v, flow %q", err, got.Result(), got.FlowID())
		}
	}
	if _, err := back.Lookup(ctx, "order-2"); !errors.Is(err, runtime.ErrUnknownJob) {
		t.Errorf("Lookup of an unknown job: %v", err)
	}
}

// Posting one id twice, at once and after it ran, runs one job.
func TestDuplicateJobID(t *testing.T) {
	s := testServer(t)
	var runs atomic.Int64
	rt, _ := testNode(t, s, newPrefix())
	register(t, rt, countFlow(t, &runs, nil))
	ctx := timeout(t, 15*time.Second)
	var wg sync.WaitGroup
	jobs := make([]*runtime.JobContext, 4)
	for i := range jobs {
		wg.Go(func() {
			job, err := rt.Post(ctx, "count", "count", "in", nil, runtime.WithJobID("once"))
			if err != nil {
				t.Error(err)
				return
			}
			jobs[i] = job
		})
	}
	wg.Wait()
	for _, j := range jobs {
		if j == nil {
			t.FailNow()
		}
		if err := j.Wait(ctx); err != nil || j.Result() != 1 {
			t.Errorf("%v, result %#v", err, j.Result())
		}
	}
	late, err := rt.Post(ctx, "count", "count", "in", nil, runtime.WithJobID("once"))
	if err != nil {
		t.Fatal(err)
	}
	if err := late.Wait(ctx); err != nil || late.Result() != 1 {
		t.Errorf("late duplicate: %v, result %#v", err, late.Result())
	}
	if n := runs.Load(); n != 1 {
		t.Errorf("%d runs, want 1", n)
	}
}

// Jobs posted before the server restarts on the same store run after it,
// and worker state written before it is there after it.
func TestServerRestartKeepsJobsAndState(t *testing.T) {
	dir := t.TempDir()
	s, err := StartServer(ServerConfig{StoreDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	p := newPrefix()
	var runs atomic.Int64
	ctx := timeout(t, 30*time.Second)
	{
		rt, _ := testNode(t, s, p)
		register(t, rt, countFlow(t, &runs, nil))
		for range 3 {
			job, err := rt.Post(ctx, "count", "count", "in", nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := job.Wait(ctx); err != nil {
				t.Fatal(err)
			}
		}
		rt.Close()
	}
	var pending []string
	{
		front, _ := testNode(t, s, p, runtime.PostOnly())
		register(t, front, countFlow(t, &runs, nil))
		for range 5 {
			job, err := front.Post(ctx, "count", "count", "in", nil)
			if err != nil {
				t.Fatal(err)
			}
			pending = append(pending, job.ID())
		}
		front.Close()
	}
	s.Shutdown()
	s, err = StartServer(ServerConfig{StoreDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	rt, _ := testNode(t, s, p)
	register(t, rt, countFlow(t, &runs, nil))
	results := map[int]bool{}
	for _, id := range pending {
		job, err := rt.Lookup(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := job.Wait(ctx); err != nil {
			t.Fatalf("job %s: %v", id, err)
		}
		results[job.Result().(int)] = true
	}
	for n := 4; n <= 8; n++ {
		if !results[n] {
			t.Errorf("no job counted %d: the state before the restart was lost (%v)", n, results)
		}
	}
}

// A node whose state write finds another owner's revision stops serving
// the worker and does not acknowledge: the job runs again on the state the
// other owner wrote.
func TestStaleOwnerWriteRejected(t *testing.T) {
	s := testServer(t)
	p := newPrefix()
	var runs atomic.Int64
	rt, b := testNode(t, s, p)
	register(t, rt, countFlow(t, &runs, nil))
	ctx := timeout(t, 20*time.Second)
	job, err := rt.Post(ctx, "count", "count", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil || job.Result() != 1 {
		t.Fatalf("%v %v", err, job.Result())
	}
	// Another owner writes the worker's state meanwhile: n = 100.
	key := token(runtime.DefaultWorkerID("count"))
	cell, _ := counterCodec.Encode(&counter{n: 100})
	if _, err := b.state.Put(ctx, key, encodeState(map[string][]byte{"counter/count": cell}, nil)); err != nil {
		t.Fatal(err)
	}
	job, err = rt.Post(ctx, "count", "count", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if job.Result() != 101 {
		t.Errorf("result %#v, want 101: the stale write of 2 must be rejected and the job rerun on the new state", job.Result())
	}
	if runs.Load() != 3 {
		t.Errorf("%d runs, want 3 (the rejected attempt ran once)", runs.Load())
	}
}

// With the server gone, Post, Wait and Close return by the caller's
// deadline.
func TestLostServerNeverHangs(t *testing.T) {
	s, err := StartServer(ServerConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var runs atomic.Int64
	block := make(chan struct{})
	defer close(block)
	rt, _ := testNode(t, s, newPrefix())
	register(t, rt, countFlow(t, &runs, block))
	ctx := timeout(t, 10*time.Second)
	job, err := rt.Post(ctx, "count", "count", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	for runs.Load() == 0 { // running here, so that Shutdown has a job to hand back
		if ctx.Err() != nil {
			t.Fatal("the job never started")
		}
		time.Sleep(time.Millisecond)
	}
	s.Shutdown()
	bounded := func(what string, f func(ctx context.Context) error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := f(ctx)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s took %v", what, d)
		}
		if err == nil {
			t.Errorf("%s: no error with the server gone", what)
		}
	}
	bounded("Post", func(ctx context.Context) error {
		_, err := rt.Post(ctx, "count", "count", "in", nil)
		return err
	})
	bounded("Wait", job.Wait)
	bounded("Runtime.Wait", rt.Wait)
	bounded("Lookup", func(ctx context.Context) error {
		_, err := rt.Lookup(ctx, "x")
		return err
	})
	bounded("Shutdown", rt.Shutdown) // its job still runs: handed back
}

func TestNewBackendOptions(t *testing.T) {
	s := testServer(t)
	nc, err := s.Conn()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	for _, o := range []Option{Prefix("a.b"), Prefix(""), Replicas(0), AckWait(time.Millisecond), CallTimeout(0), MaxInFlight(0), RecordTTL(-time.Second)} {
		if _, err := NewBackend(nc, o); err == nil {
			t.Errorf("an invalid option was accepted")
		}
	}
	b, err := NewBackend(nc, Prefix("opts"), Replicas(1), AckWait(2*time.Second), RecordTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	st, err := b.records.Status(timeout(t, 5*time.Second))
	if err != nil || st.TTL() != time.Hour {
		t.Errorf("records bucket TTL: %v %v", st, err)
	}
	info, err := b.stream.Info(timeout(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if info.Config.Name != "opts_JOBS" || info.Config.Retention != jetstream.WorkQueuePolicy || info.Config.Storage != jetstream.FileStorage {
		t.Errorf("stream %+v", info.Config)
	}
	// A second backend asking the same reuses what the first created.
	if _, err := NewBackend(nc, Prefix("opts"), RecordTTL(time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func TestStartServerConfig(t *testing.T) {
	if _, err := StartServer(ServerConfig{}); err == nil || !strings.Contains(err.Error(), "StoreDir") {
		t.Errorf("no store dir: %v", err)
	}
	if _, err := StartServer(ServerConfig{StoreDir: t.TempDir(), ClusterName: "c"}); err == nil || !strings.Contains(err.Error(), "ServerName") {
		t.Errorf("cluster without a server name: %v", err)
	}
	s := testServer(t)
	if s.ClientURL() != "" {
		t.Errorf("a listener without Port: %q", s.ClientURL())
	}
	tcp, err := StartServer(ServerConfig{StoreDir: t.TempDir(), Port: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Shutdown()
	if !strings.HasPrefix(tcp.ClientURL(), "nats://127.0.0.1:") {
		t.Errorf("ClientURL %q", tcp.ClientURL())
	}
}

// holdFlow's logic holds its first attempt until its context ends, and
// returns its attempt as the result.
func holdFlow(t testing.TB, started chan<- struct{}) *runtime.Flow {
	r := runtime.NewRoutine("hold").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		ec, err := runtime.RequireExec(ctx)
		if err != nil {
			return err
		}
		if ec.Attempt == 1 {
			started <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		}
		ec.Job.SetResult(ec.Attempt)
		return nil
	})
	f := runtime.NewFlow("hold")
	if err := f.Add("hold", r); err != nil {
		t.Fatal(err)
	}
	return f
}

// A node whose Shutdown deadline passes hands its running jobs back: they
// run again on another node and are never seen cancelled.
func TestShutdownHandsJobsBack(t *testing.T) {
	s := testServer(t)
	p := newPrefix()
	started := make(chan struct{}, 4)
	front, _ := testNode(t, s, p, runtime.PostOnly())
	a, _ := testNode(t, s, p, runtime.WithNodeID("a"))
	register(t, front, holdFlow(t, started))
	register(t, a, holdFlow(t, started))
	ctx := timeout(t, 20*time.Second)
	job, err := front.Post(ctx, "hold", "hold", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	<-started
	b, _ := testNode(t, s, p, runtime.WithNodeID("b"))
	register(t, b, holdFlow(t, started))
	sctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if err := a.Shutdown(sctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown: %v, want its ctx's error", err)
	}
	if job.Status().Finished() {
		t.Fatalf("the handed-back job shows %v on its poster", job.Status())
	}
	if err := job.Wait(ctx); err != nil || job.Result() != 2 {
		t.Errorf("handed-back job: %v, result %#v, want attempt 2", err, job.Result())
	}
}

// holdPair starts a post-only front node and a back node that runs
// holdFlow, which reports each first attempt on started.
func holdPair(t testing.TB) (front, back *runtime.Runtime, started <-chan struct{}) {
	s := testServer(t)
	p := newPrefix()
	ch := make(chan struct{}, 1)
	front, _ = testNode(t, s, p, runtime.PostOnly())
	back, _ = testNode(t, s, p)
	register(t, front, holdFlow(t, ch))
	register(t, back, holdFlow(t, ch))
	return front, back, ch
}

// WithTimeout ends a job on whichever node runs it.
func TestWithTimeoutAcrossNodes(t *testing.T) {
	front, _, _ := holdPair(t)
	ctx := timeout(t, 20*time.Second)
	job, err := front.Post(ctx, "hold", "hold", "in", nil, runtime.WithTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	err = job.Wait(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || job.Status() != runtime.JobCancelled {
		t.Errorf("timed-out job: %v, status %v", err, job.Status())
	}
}

// Cancel on a view ends the job on the node running it, cluster-wide.
func TestCancelAcrossNodes(t *testing.T) {
	front, back, started := holdPair(t)
	ctx := timeout(t, 20*time.Second)
	job, err := front.Post(ctx, "hold", "hold", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	<-started
	stop := errors.New("stop it")
	job.Cancel(stop)
	if err := job.Wait(ctx); err == nil || !strings.Contains(err.Error(), "stop it") || job.Status() != runtime.JobCancelled {
		t.Errorf("cancelled job: %v, status %v", err, job.Status())
	}
	// The run on the back node ended: it holds no job any more.
	if err := back.Wait(ctx); err != nil {
		t.Errorf("the back node still runs the cancelled job: %v", err)
	}
	// A later view of the job sees it cancelled, and cancelling a job that
	// ended changes nothing.
	again, err := back.Lookup(ctx, job.ID())
	if err != nil || again.Status() != runtime.JobCancelled {
		t.Fatalf("Lookup: %v %v", again, err)
	}
}

// A job posted WithJobID and still queued after the server's duplicate
// window is not queued twice.
func TestDuplicateJobIDAfterWindow(t *testing.T) {
	s := testServer(t)
	nc, err := s.Conn()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	b, err := NewBackend(nc, Prefix(newPrefix()), func(c *config) { c.dupWindow = 200 * time.Millisecond })
	if err != nil {
		t.Fatal(err)
	}
	front := runtime.New(runtime.WithBackend(b), runtime.PostOnly())
	defer front.Close()
	var runs atomic.Int64
	register(t, front, countFlow(t, &runs, nil))
	ctx := timeout(t, 10*time.Second)
	for range 2 {
		if _, err := front.Post(ctx, "count", "count", "in", nil, runtime.WithJobID("queued")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(400 * time.Millisecond) // past the duplicate window
	}
	info, err := b.stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 1 {
		t.Errorf("%d jobs queued, want 1", info.State.Msgs)
	}
}

// A worker Exec started on one node takes the jobs posted to it on any
// node, with state of its own.
func TestExecWorkerAcrossNodes(t *testing.T) {
	s := testServer(t)
	p := newPrefix()
	var runs atomic.Int64
	front, _ := testNode(t, s, p, runtime.PostOnly())
	back, _ := testNode(t, s, p)
	register(t, front, countFlow(t, &runs, nil))
	register(t, back, countFlow(t, &runs, nil))
	ctx := timeout(t, 20*time.Second)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	ws, err := back.Exec(wctx, "count")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{1, 2} {
		job, err := front.Post(ctx, "count", "count", "in", nil, runtime.OnWorker(ws.ID()))
		if err != nil {
			t.Fatal(err)
		}
		if err := job.Wait(ctx); err != nil || job.Result() != want || job.WorkerID() != ws.ID() {
			t.Errorf("job on worker %s: %v, result %#v, want %d", job.WorkerID(), err, job.Result(), want)
		}
	}
	job, err := front.Post(ctx, "count", "count", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil || job.Result() != 1 {
		t.Errorf("the default worker shares state with an Exec worker: %v, result %#v", err, job.Result())
	}
}

// Stored worker state that cannot be read fails the worker's jobs, saying
// so, and stays as it is: never overwritten, never silently dropped.
func TestUnreadableStateFailsJobs(t *testing.T) {
	s := testServer(t)
	p := newPrefix()
	var runs atomic.Int64
	rt, b := testNode(t, s, p)
	ctx := timeout(t, 20*time.Second)
	key := token(runtime.DefaultWorkerID("count"))
	if _, err := b.state.Put(ctx, key, []byte{formatV1, 200}); err != nil {
		t.Fatal(err)
	}
	register(t, rt, countFlow(t, &runs, nil))
	job, err := rt.Post(ctx, "count", "count", "in", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err == nil || !strings.Contains(err.Error(), "worker state") {
		t.Errorf("job over unreadable state: %v, want an error about the worker state", err)
	}
	if runs.Load() != 0 {
		t.Error("the job ran over state it could not read")
	}
	e, err := b.state.Get(ctx, key)
	if err != nil || string(e.Value()) != string([]byte{formatV1, 200}) {
		t.Errorf("the stored state changed: %v %v", e, err)
	}
}

// A job for a worker no node serves, or ever served (a mistyped id), is
// refused at Post with ErrUnknownWorker, as the in-memory runtime refuses
// it, rather than waiting in the stream for ever; it leaves no job.
func TestPostToUnknownWorker(t *testing.T) {
	s := testServer(t)
	p := newPrefix()
	var runs atomic.Int64
	rt, _ := testNode(t, s, p)
	register(t, rt, countFlow(t, &runs, nil))
	ctx := timeout(t, 10*time.Second)
	_, err := rt.Post(ctx, "count", "count", "in", nil, runtime.OnWorker("nobody"), runtime.WithJobID("lost"))
	if !errors.Is(err, runtime.ErrUnknownWorker) || !strings.Contains(err.Error(), `"nobody"`) {
		t.Errorf("Post to a worker no node serves: %v, want ErrUnknownWorker naming it", err)
	}
	if _, err := rt.Lookup(ctx, "lost"); !errors.Is(err, runtime.ErrUnknownJob) {
		t.Errorf("Lookup of the refused job: %v, want ErrUnknownJob", err)
	}
}

// A Backend given to a second runtime makes every call of both fail,
// saying so: shared, the runtimes would take each other's jobs, and the
// first Close would leave the other's posts waiting for ever.
func TestBackendServesOneRuntime(t *testing.T) {
	s := testServer(t)
	nc, err := s.Conn()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	b, err := NewBackend(nc, Prefix(newPrefix()), AckWait(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var runs atomic.Int64
	first := runtime.New(runtime.WithBackend(b))
	defer first.Close()
	second := runtime.New(runtime.WithBackend(b))
	defer second.Close()
	ctx := timeout(t, 5*time.Second)
	for _, rt := range []*runtime.Runtime{first, second} {
		err := rt.Register(countFlow(t, &runs, nil))
		if err == nil || !strings.Contains(err.Error(), "one runtime") {
			t.Errorf("Register on a runtime sharing its Backend: %v, want an error saying a Backend serves one runtime", err)
		}
		if _, err := rt.Post(ctx, "count", "count", "in", nil); err == nil {
			t.Error("Post on a runtime sharing its Backend: no error")
		}
	}
}

// A store directory the server cannot use fails StartServer at once with
// the reason, not after ReadyTimeout with none: one under a file, and one
// whose jetstream directory, which the server makes, is a file.
func TestStartServerBadStoreDir(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "jetstream")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, store := range []string{filepath.Join(file, "store"), dir} {
		start := time.Now()
		_, err := StartServer(ServerConfig{StoreDir: store})
		if err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("store dir %s: %v, want the reason", store, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("StartServer on %s took %v to fail", store, d)
		}
	}
}

// Two servers on one store directory would both write its files: the
// second is refused while the first runs (in this process or another),
// and the directory is free again once the first shut down.
func TestStartServerStoreDirInUse(t *testing.T) {
	dir := t.TempDir()
	first, err := StartServer(ServerConfig{StoreDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := StartServer(ServerConfig{StoreDir: dir}); err == nil || !strings.Contains(err.Error(), "in use") {
		if err == nil {
			s.Shutdown()
		}
		t.Errorf("a second server on the store dir: %v, want refused", err)
	}
	first.Shutdown()
	again, err := StartServer(ServerConfig{StoreDir: dir})
	if err != nil {
		t.Fatalf("a server on the store dir after the first shut down: %v", err)
	}
	again.Shutdown()
}

// Posting one id to two workers, past the duplicate window, while the
// first job still waits, queues one job: idempotency is by id, not by id
// and worker.
func TestDuplicateJobIDOtherWorker(t *testing.T) {
	s := testServer(t)
	nc, err := s.Conn()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	b, err := NewBackend(nc, Prefix(newPrefix()), func(c *config) { c.dupWindow = 200 * time.Millisecond })
	if err != nil {
		t.Fatal(err)
	}
	front := runtime.New(runtime.WithBackend(b), runtime.PostOnly())
	defer front.Close()
	var runs atomic.Int64
	register(t, front, countFlow(t, &runs, nil))
	ctx := timeout(t, 10*time.Second)
	for _, worker := range []string{"w1", "w2"} {
		// Workers some node serves (their consumers exist), none here.
		w := &served{b: b, id: worker, flow: "count", key: token(worker)}
		if _, err := w.createConsumer(ctx, false); err != nil {
			t.Fatal(err)
		}
		if _, err := front.Post(ctx, "count", "count", "in", nil, runtime.WithJobID("queued"), runtime.OnWorker(worker)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(400 * time.Millisecond) // past the duplicate window
	}
	info, err := b.stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 1 {
		t.Errorf("%d jobs queued under one id, want 1", info.State.Msgs)
	}
}

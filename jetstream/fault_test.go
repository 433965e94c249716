package jetstream

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/routigen/routigen/runtime"
)

// Fault tests run the test binary again as node (and server) processes and
// kill them with SIGKILL. TestMain turns such a process into its role,
// from the environment; it never returns to the tests.

const (
	envRole   = "ROUTIGEN_JS_ROLE"   // node | server
	envURL    = "ROUTIGEN_JS_URL"    // comma-separated client URLs
	envPrefix = "ROUTIGEN_JS_PREFIX" // backend prefix
	envDie    = "ROUTIGEN_JS_DIE"    // in-logic | after-record: where a node kills itself, once
	envServer = "ROUTIGEN_JS_SERVER" // server: name,storedir,clientport,clusterport,routes...
	envFlow   = "ROUTIGEN_JS_FLOW"   // node: linear3 for the benchmark's flow, else faultFlow
	envExec   = "ROUTIGEN_JS_EXEC"   // node: Exec a worker of faultFlow, write its id to this file
)

func TestMain(m *testing.M) {
	switch os.Getenv(envRole) {
	case "node":
		runNodeProcess()
	case "server":
		runServerProcess()
	default:
		os.Exit(m.Run())
	}
}

func killSelf() { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL) }

// faultResult is what a job of faultFlow returns: the delivery attempt
// and the worker counter after its increment.
func faultFlow(die string) *runtime.Flow {
	var died atomic.Bool
	r := runtime.NewRoutine("work").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		ec, err := runtime.RequireExec(ctx)
		if err != nil {
			return err
		}
		if die == "in-logic" && ec.Attempt == 1 && died.CompareAndSwap(false, true) {
			killSelf()
		}
		time.Sleep(time.Duration(in.Slot("in")[0]["sleep_ms"].(int)) * time.Millisecond)
		c, err := runtime.WorkerCell[counter](ctx, "counter", runtime.PerRoutine, counterCodec)
		if err != nil {
			return err
		}
		var n int
		c.Update(func(v *counter) { v.n++; n = v.n })
		ec.Job.SetResult(runtime.Message{"attempt": ec.Attempt, "n": n})
		return nil
	})
	f := runtime.NewFlow("fault")
	if err := f.Add("work", r); err != nil {
		panic(err)
	}
	return f
}

func runNodeProcess() {
	die := os.Getenv(envDie)
	if die == "after-record" {
		var once atomic.Bool
		afterRecord = func(string) {
			if once.CompareAndSwap(false, true) {
				killSelf()
			}
		}
	}
	nc, err := nats.Connect(os.Getenv(envURL), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		os.Exit(2)
	}
	b, err := NewBackend(nc, Prefix(os.Getenv(envPrefix)), AckWait(time.Second))
	if err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		os.Exit(2)
	}
	rt := runtime.New(runtime.WithBackend(b))
	f := faultFlow(die)
	if os.Getenv(envFlow) == "linear3" {
		if f, err = linear3Flow(); err != nil {
			fmt.Fprintln(os.Stderr, "node:", err)
			os.Exit(2)
		}
	}
	if err := rt.Register(f); err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		os.Exit(2)
	}
	if file := os.Getenv(envExec); file != "" {
		ws, err := rt.Exec(context.Background(), "fault")
		if err == nil {
			err = os.WriteFile(file, []byte(ws.ID()), 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "node:", err)
			os.Exit(2)
		}
	}
	fmt.Println("ready")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	<-sig
	rt.Close()
	os.Exit(0)
}

func runServerProcess() {
	f := strings.Split(os.Getenv(envServer), ",")
	var port, cport int
	fmt.Sscan(f[2], &port)
	fmt.Sscan(f[3], &cport)
	s, err := StartServer(ServerConfig{ServerName: f[0], StoreDir: f[1], Port: port, ClusterName: "rt", ClusterPort: cport, Routes: f[4:], ReadyTimeout: 30 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(2)
	}
	fmt.Println("ready")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	<-sig
	s.Shutdown()
	os.Exit(0)
}

// proc is a child process of the test, killed when the test ends.
type proc struct {
	cmd *exec.Cmd
}

func startProc(t testing.TB, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd}
	t.Cleanup(p.kill)
	ready := make(chan error, 1)
	go func() {
		buf := make([]byte, 6)
		_, err := out.Read(buf)
		if err == nil && string(buf) != "ready\n" {
			err = fmt.Errorf("said %q", buf)
		}
		ready <- err
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("child %v: %v", env, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("child %v not ready in 30s", env)
	}
	return p
}

func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill() // SIGKILL
		_ = p.cmd.Wait()
	}
}

type jobOutcome struct {
	attempt, n int
}

// waitAll waits for every job and returns what each returned.
func waitAll(ctx context.Context, t *testing.T, jobs []*runtime.JobContext) []jobOutcome {
	t.Helper()
	out := make([]jobOutcome, len(jobs))
	for i, j := range jobs {
		if err := j.Wait(ctx); err != nil {
			t.Fatalf("job %d of %d (%s): %v", i, len(jobs), j.ID(), err)
		}
		m, ok := j.Result().(runtime.Message)
		if !ok {
			t.Fatalf("job %s: result %#v", j.ID(), j.Result())
		}
		out[i] = jobOutcome{m["attempt"].(int), m["n"].(int)}
	}
	return out
}

// checkCounts checks that no two completed jobs saw the same counter:
// every increment a completed job made reached the state the next owner
// loaded.
func checkCounts(t *testing.T, outs []jobOutcome) {
	t.Helper()
	seen := map[int]bool{}
	for _, o := range outs {
		if seen[o.n] {
			t.Errorf("two completed jobs saw counter %d: an acknowledged state write was lost", o.n)
		}
		seen[o.n] = true
	}
}

func faultSetup(t *testing.T) (url, prefix string, front *runtime.Runtime) {
	t.Helper()
	s, err := StartServer(ServerConfig{StoreDir: t.TempDir(), Port: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	prefix = newPrefix()
	front, _ = testNode(t, s, prefix, runtime.PostOnly())
	if err := front.Register(faultFlow("")); err != nil {
		t.Fatal(err)
	}
	return s.ClientURL(), prefix, front
}

func postN(ctx context.Context, t *testing.T, front *runtime.Runtime, n, sleepMS int) []*runtime.JobContext {
	t.Helper()
	jobs := make([]*runtime.JobContext, n)
	for i := range jobs {
		j, err := front.Post(ctx, "fault", "work", "in", runtime.Message{"sleep_ms": sleepMS})
		if err != nil {
			t.Fatal(err)
		}
		jobs[i] = j
	}
	return jobs
}

// A node SIGKILLed under load: every posted job completes on the node that
// takes the worker over, jobs it held run again (Attempt > 1), and the
// worker state it wrote is where the new owner starts.
func TestNodeKilledUnderLoad(t *testing.T) {
	url, prefix, front := faultSetup(t)
	ctx := timeout(t, 60*time.Second)
	env := []string{envRole + "=node", envURL + "=" + url, envPrefix + "=" + prefix}
	a := startProc(t, env...)
	jobs := postN(ctx, t, front, 200, 5)
	// Let node A finish some, then kill it mid-stream.
	for done := 0; done < 20; {
		done = 0
		for _, j := range jobs {
			if j.Status().Finished() {
				done++
			}
		}
		if ctx.Err() != nil {
			t.Fatal("node A finished nothing")
		}
		time.Sleep(10 * time.Millisecond)
	}
	a.kill()
	killed := time.Now()
	startProc(t, env...)
	outs := waitAll(ctx, t, jobs)
	t.Logf("last job done %v after the kill (AckWait 1s)", time.Since(killed))
	checkCounts(t, outs)
	reruns := 0
	for _, o := range outs {
		if o.attempt > 1 {
			reruns++
		}
	}
	if reruns == 0 {
		t.Error("no job ran again after the kill: node A held none?")
	}
	max := 0
	for _, o := range outs {
		max = maxInt(max, o.n)
	}
	if max < len(jobs) {
		t.Errorf("counter reached %d for %d jobs: the new owner did not load the state", max, len(jobs))
	}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// A node killed inside logic: the job runs again elsewhere, Attempt 2.
func TestNodeKilledBeforeRecord(t *testing.T) {
	url, prefix, front := faultSetup(t)
	ctx := timeout(t, 60*time.Second)
	env := []string{envRole + "=node", envURL + "=" + url, envPrefix + "=" + prefix}
	a := startProc(t, append(env, envDie+"=in-logic")...)
	jobs := postN(ctx, t, front, 1, 0)
	if err := a.cmd.Wait(); err == nil {
		t.Fatal("node A exited cleanly, want killed")
	}
	startProc(t, env...)
	outs := waitAll(ctx, t, jobs)
	if outs[0].attempt != 2 {
		t.Errorf("attempt %d, want 2", outs[0].attempt)
	}
}

// A node killed after it wrote a job's record but before it acknowledged
// the job: the next node finds the record and does not run the job again.
func TestNodeKilledAfterRecord(t *testing.T) {
	url, prefix, front := faultSetup(t)
	ctx := timeout(t, 60*time.Second)
	env := []string{envRole + "=node", envURL + "=" + url, envPrefix + "=" + prefix}
	a := startProc(t, append(env, envDie+"=after-record")...)
	jobs := postN(ctx, t, front, 1, 0)
	if err := a.cmd.Wait(); err == nil {
		t.Fatal("node A exited cleanly, want killed")
	}
	outs := waitAll(ctx, t, jobs) // the record is there: observed without node B
	if outs[0].attempt != 1 || outs[0].n != 1 {
		t.Errorf("outcome %+v, want attempt 1 n 1", outs[0])
	}
	startProc(t, env...)
	// The redelivery finds the record and acknowledges without a run: a
	// second job sees the counter the first left.
	more := waitAll(ctx, t, postN(ctx, t, front, 1, 0))
	if more[0].n != 2 {
		t.Errorf("next job saw counter %d, want 2: the recorded job ran twice", more[0].n)
	}
}

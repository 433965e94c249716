package runtime_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

// linear3 is the flow "linear" of three routines, first → s2 → s3, each
// one's "out" event connected to the next one's "in" slot.
func linear3(first string, stage, last *runtime.Routine) *runtime.Flow {
	f := runtime.NewFlow("linear")
	for _, err := range []error{
		f.Add(first, stage), f.Add("s2", stage), f.Add("s3", last),
		f.Connect(first, "out", "s2", "in"), f.Connect("s2", "out", "s3", "in"),
	} {
		if err != nil {
			panic(err)
		}
	}
	return f
}

// stageWork is the work of one pipeline stage, the same in the flow and in
// the hand-written pipeline: read a value from a message, make a new one.
func stageWork(m runtime.Message) runtime.Message {
	return runtime.Message{"v": m["v"].(int)*2 + 1}
}

// BenchmarkFlowLinear3 posts b.N jobs through a 3-routine linear flow and
// waits for all of them. Compare with BenchmarkChannelPipeline3 (SPEC §5:
// ≥ 0.8× its throughput at GOMAXPROCS 1 and 2).
func BenchmarkFlowLinear3(b *testing.B) {
	var sink int
	var mu sync.Mutex
	stage := runtime.NewRoutine("stage").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		return runtime.Emit(ctx, "out", stageWork(in.Slot("in")[0]))
	})
	last := runtime.NewRoutine("last").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		v := stageWork(in.Slot("in")[0])["v"].(int)
		mu.Lock()
		sink += v
		mu.Unlock()
		return nil
	})
	f := linear3("s1", stage, last)
	r := runtime.New(benchOpts...)
	defer r.Close()
	if err := r.Register(f); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		if _, err := r.Post(ctx, "linear", "s1", "in", runtime.Message{"v": i}); err != nil {
			b.Fatal(err)
		}
	}
	if err := r.Wait(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	reportJobs(b, cpu0)
}

// BenchmarkFlowLinear3Serial posts one job and waits for it before the next:
// the latency of a job, not the throughput.
func BenchmarkFlowLinear3Serial(b *testing.B) {
	stage := runtime.NewRoutine("stage").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		return runtime.Emit(ctx, "out", stageWork(in.Slot("in")[0]))
	})
	last := runtime.NewRoutine("last").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		_ = stageWork(in.Slot("in")[0])
		return nil
	})
	f := linear3("s1", stage, last)
	r := runtime.New()
	defer r.Close()
	_ = r.Register(f)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		job, err := r.Post(ctx, "linear", "s1", "in", runtime.Message{"v": i})
		if err != nil {
			b.Fatal(err)
		}
		if err := job.Wait(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportJobs(b, cpu0)
}

// BenchmarkChannelPipeline3 is the hand-written baseline: one goroutine per
// stage, unbuffered channels, the same work per stage as
// BenchmarkFlowLinear3.
func BenchmarkChannelPipeline3(b *testing.B) {
	in := make(chan runtime.Message)
	c1 := make(chan runtime.Message)
	c2 := make(chan runtime.Message)
	done := make(chan int)
	go func() {
		for m := range in {
			c1 <- stageWork(m)
		}
		close(c1)
	}()
	go func() {
		for m := range c1 {
			c2 <- stageWork(m)
		}
		close(c2)
	}()
	go func() {
		sink := 0
		for m := range c2 {
			sink += stageWork(m)["v"].(int)
		}
		done <- sink
	}()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		in <- runtime.Message{"v": i}
	}
	close(in)
	<-done
	b.StopTimer()
	reportJobs(b, cpu0)
}

var benchOpts []runtime.Option

// cpuTime is the process's user+system CPU time. On a shared machine it is
// steadier than wall time: cpu-ns/job is reported next to jobs/s.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportJobs(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/job")
}

func init() {
	if n, err := strconv.Atoi(os.Getenv("ROUTIGEN_BENCH_WORKERS")); err == nil {
		benchOpts = append(benchOpts, runtime.WithWorkers(n))
	}
}

type benchState struct {
	Iteration int
	Note      string
}

// The typed primitive next to the raw job-data patterns it replaces.

func BenchmarkCellRead(b *testing.B) {
	ctx, _, _ := runtimetest.NewContext(b, "loop")
	c, _ := runtime.JobCell[benchState](ctx, "bench", runtime.PerRoutine)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n += c.RLock().Iteration
		c.RUnlock()
	}
	_ = n
}

// BenchmarkJobCellLookupRead is a read as a generated accessor does it:
// find the cell for the context, then read a field.
func BenchmarkJobCellLookupRead(b *testing.B) {
	ctx, _, _ := runtimetest.NewContext(b, "loop")
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		c, err := runtime.JobCell[benchState](ctx, "bench", runtime.PerRoutine)
		if err != nil {
			b.Fatal(err)
		}
		n += c.RLock().Iteration
		c.RUnlock()
	}
	_ = n
}

func BenchmarkCellUpdate(b *testing.B) {
	ctx, _, _ := runtimetest.NewContext(b, "loop")
	c, _ := runtime.JobCell[benchState](ctx, "bench", runtime.PerRoutine)
	b.ReportAllocs()
	for b.Loop() {
		c.Update(func(s *benchState) { s.Iteration++ })
	}
}

func BenchmarkJobCellLookupUpdate(b *testing.B) {
	ctx, _, _ := runtimetest.NewContext(b, "loop")
	b.ReportAllocs()
	for b.Loop() {
		c, err := runtime.JobCell[benchState](ctx, "bench", runtime.PerRoutine)
		if err != nil {
			b.Fatal(err)
		}
		c.Update(func(s *benchState) { s.Iteration++ })
	}
}

func BenchmarkJobDataGet(b *testing.B) {
	_, job, _ := runtimetest.NewContext(b, "loop")
	job.SetData("loop_iteration", 1)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		v, _ := job.GetData("loop_iteration")
		n += v.(int)
	}
	_ = n
}

func BenchmarkJobDataSet(b *testing.B) {
	_, job, _ := runtimetest.NewContext(b, "loop")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		job.SetData("loop_iteration", i)
	}
}

// BenchmarkJobDataGetSprintf is the hand-namespaced raw pattern of SPEC §5.
func BenchmarkJobDataGetSprintf(b *testing.B) {
	ctx, job, _ := runtimetest.NewContext(b, "loop")
	ec, _ := runtime.ExecFromContext(ctx)
	job.SetData("loop_iteration_loop", 1)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		v, _ := job.GetData(fmt.Sprintf("loop_iteration_%s", ec.RoutineID))
		n += v.(int)
	}
	_ = n
}

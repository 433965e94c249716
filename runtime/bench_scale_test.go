package runtime_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// The Scale benchmarks measure, for two flow shapes, job throughput and the
// latency of each job (from just before Post to the job's CompletedAt), at
// 1, 2 and 8 logic workers, next to hand-written channel pipelines of the
// same shapes (one goroutine per stage, unbuffered channels):
//
//   - Linear3: three routines in a row (as BenchmarkFlowLinear3);
//   - FanOut3: a source routine emits to three parallel routines whose
//     outputs join in a collector with the AllSlotsReady policy over three
//     slots.
//
// At most scaleWindow jobs are in flight (ROUTIGEN_BENCH_WINDOW, default
// 256), so latency is bounded and meaningful: by Little's law a saturated
// flow's median latency is about window/throughput. The channel pipelines
// hold at most a few items in flight whatever the window (unbuffered
// channels block the sender), so their latency is that of an almost empty
// pipeline.
//
// Latency bookkeeping is preallocated (two slices of b.N durations) and
// costs one time.Since per job; a waiter goroutine releases the window in
// post order and reads each job's completion time from the job. Its
// JobContext.Done call makes a channel when the job is still running: that
// is the one allocation per job the measurement adds to the flow.

var scaleWindow = func() int {
	if n, err := strconv.Atoi(os.Getenv("ROUTIGEN_BENCH_WINDOW")); err == nil && n > 0 {
		return n
	}
	return 256
}()

var scaleWorkers = []int{1, 2, 8}

// latencies times every job of a benchmark.
type latencies struct {
	base  time.Time
	start []time.Duration // since base, taken just before the post
	lat   []time.Duration
}

func newLatencies(n int) *latencies {
	return &latencies{base: time.Now(), start: make([]time.Duration, n), lat: make([]time.Duration, n)}
}

func (l *latencies) begin(i int)           { l.start[i] = time.Since(l.base) }
func (l *latencies) end(i int)             { l.lat[i] = time.Since(l.base) - l.start[i] }
func (l *latencies) at(i int, t time.Time) { l.lat[i] = t.Sub(l.base) - l.start[i] }

// report reports throughput, p50 and p99. Call after b.StopTimer.
func (l *latencies) report(b *testing.B, cpu0 time.Duration) {
	reportJobs(b, cpu0)
	slices.Sort(l.lat)
	n := len(l.lat)
	b.ReportMetric(float64(l.lat[n/2]), "p50-ns")
	b.ReportMetric(float64(l.lat[min(n-1, n*99/100)]), "p99-ns")
}

// runFlowJobs posts b.N jobs to flow's routine "src", slot "in", with at most
// scaleWindow in flight, checks that each completed and times each.
func runFlowJobs(b *testing.B, r *runtime.Runtime, flow string) {
	type posted struct {
		i   int
		job *runtime.JobContext
	}
	ctx := context.Background()
	lat := newLatencies(b.N)
	inflight := make(chan posted, scaleWindow)
	var failed atomic.Int64
	var firstErr atomic.Value
	waited := make(chan struct{})
	go func() {
		defer close(waited)
		for p := range inflight {
			<-p.job.Done()
			if err := p.job.Err(); err != nil {
				if failed.Add(1) == 1 {
					firstErr.Store(err)
				}
			}
			lat.at(p.i, p.job.CompletedAt())
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		lat.begin(i)
		job, err := r.Post(ctx, flow, "src", "in", runtime.Message{"v": i})
		if err != nil {
			close(inflight)
			<-waited
			b.Fatal(err)
		}
		inflight <- posted{i, job}
	}
	close(inflight)
	<-waited
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d jobs failed; first: %v", n, b.N, firstErr.Load())
	}
	lat.report(b, cpu0)
}

// linearFlow is the 3-routine linear flow; every job adds 8v+7 to sink.
func linearFlow(sink *atomic.Int64) *runtime.Flow {
	stage := runtime.NewRoutine("stage").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		return runtime.Emit(ctx, "out", stageWork(in.Slot("in")[0]))
	})
	last := runtime.NewRoutine("last").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		sink.Add(int64(stageWork(in.Slot("in")[0])["v"].(int)))
		return nil
	})
	return linear3("src", stage, last)
}

// fanOutFlow is a source, three parallel routines and an AllSlotsReady
// collector over three slots; every job adds 3·(4v+3) to sink.
func fanOutFlow(sink *atomic.Int64) *runtime.Flow {
	stage := runtime.NewRoutine("stage").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		return runtime.Emit(ctx, "out", stageWork(in.Slot("in")[0]))
	})
	join := runtime.NewRoutine("join").Slot("a").Slot("b").Slot("c").Policy(runtime.AllSlotsReady()).
		Logic(func(ctx context.Context, in runtime.Input) error {
			v := in.Slot("a")[0]["v"].(int) + in.Slot("b")[0]["v"].(int) + in.Slot("c")[0]["v"].(int)
			sink.Add(int64(v))
			return nil
		})
	f := runtime.NewFlow("fanout")
	for _, err := range []error{
		f.Add("src", stage), f.Add("b1", stage), f.Add("b2", stage), f.Add("b3", stage), f.Add("join", join),
		f.Connect("src", "out", "b1", "in"), f.Connect("src", "out", "b2", "in"), f.Connect("src", "out", "b3", "in"),
		f.Connect("b1", "out", "join", "a"), f.Connect("b2", "out", "join", "b"), f.Connect("b3", "out", "join", "c"),
	} {
		if err != nil {
			panic(err)
		}
	}
	return f
}

func checkSink(b *testing.B, got int64, perJob func(v int64) int64) {
	var want int64
	for i := range b.N {
		want += perJob(int64(i))
	}
	if got != want {
		b.Fatalf("sink = %d, want %d", got, want)
	}
}

func benchFlowScale(b *testing.B, build func(*atomic.Int64) *runtime.Flow, perJob func(int64) int64) {
	for _, n := range scaleWorkers {
		b.Run("workers="+strconv.Itoa(n), func(b *testing.B) {
			var sink atomic.Int64
			f := build(&sink)
			r := runtime.New(runtime.WithWorkers(n))
			defer r.Close()
			if err := r.Register(f); err != nil {
				b.Fatal(err)
			}
			runFlowJobs(b, r, f.ID())
			checkSink(b, sink.Load(), perJob)
		})
	}
}

func linearPerJob(v int64) int64 { return 8*v + 7 }
func fanOutPerJob(v int64) int64 { return 3 * (4*v + 3) }

// BenchmarkScaleFlowLinear3 is the 3-routine linear flow at 1, 2 and 8
// logic workers.
func BenchmarkScaleFlowLinear3(b *testing.B) {
	benchFlowScale(b, linearFlow, linearPerJob)
}

// BenchmarkScaleFlowFanOut3 is the fan-out/fan-in flow at 1, 2 and 8 logic
// workers.
func BenchmarkScaleFlowFanOut3(b *testing.B) {
	benchFlowScale(b, fanOutFlow, fanOutPerJob)
}

// item is what travels through the channel pipelines: the job's index, for
// its latency, and its message.
type item struct {
	i int
	m runtime.Message
}

// runChanJobs feeds b.N items into in with at most scaleWindow in flight;
// the pipeline's last stage calls finish(i) for each. It closes in and
// waits for done.
func runChanJobs(b *testing.B, in chan<- item, done <-chan int64, lat *latencies, window chan struct{}, perJob func(int64) int64) {
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		window <- struct{}{}
		lat.begin(i)
		in <- item{i, runtime.Message{"v": i}}
	}
	close(in)
	sink := <-done
	b.StopTimer()
	lat.report(b, cpu0)
	checkSink(b, sink, perJob)
}

// BenchmarkScaleChanLinear3 is the hand-written equivalent of the linear
// flow: one goroutine per stage, unbuffered channels.
func BenchmarkScaleChanLinear3(b *testing.B) {
	lat := newLatencies(b.N)
	window := make(chan struct{}, scaleWindow)
	in, c1, c2 := make(chan item), make(chan item), make(chan item)
	done := make(chan int64)
	go func() {
		for it := range in {
			c1 <- item{it.i, stageWork(it.m)}
		}
		close(c1)
	}()
	go func() {
		for it := range c1 {
			c2 <- item{it.i, stageWork(it.m)}
		}
		close(c2)
	}()
	go func() {
		var sink int64
		for it := range c2 {
			sink += int64(stageWork(it.m)["v"].(int))
			lat.end(it.i)
			<-window
		}
		done <- sink
	}()
	runChanJobs(b, in, done, lat, window, linearPerJob)
}

// BenchmarkScaleChanFanOut3 is the hand-written equivalent of the fan-out
// flow: a source goroutine sends to three goroutines, each sends to a
// joiner that takes one item from each, all over unbuffered channels.
func BenchmarkScaleChanFanOut3(b *testing.B) {
	lat := newLatencies(b.N)
	window := make(chan struct{}, scaleWindow)
	in := make(chan item)
	var outs, joins [3]chan item
	for k := range 3 {
		outs[k], joins[k] = make(chan item), make(chan item)
	}
	done := make(chan int64)
	go func() {
		for it := range in {
			m := item{it.i, stageWork(it.m)}
			for _, o := range outs {
				o <- m
			}
		}
		for _, o := range outs {
			close(o)
		}
	}()
	for k := range 3 {
		go func() {
			for it := range outs[k] {
				joins[k] <- item{it.i, stageWork(it.m)}
			}
			close(joins[k])
		}()
	}
	go func() {
		var sink int64
		for a := range joins[0] {
			bb, c := <-joins[1], <-joins[2]
			if a.i != bb.i || a.i != c.i {
				panic("fan-in out of step")
			}
			sink += int64(a.m["v"].(int) + bb.m["v"].(int) + c.m["v"].(int))
			lat.end(a.i)
			<-window
		}
		done <- sink
	}()
	runChanJobs(b, in, done, lat, window, fanOutPerJob)
}

package runtime_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/routigen/routigen/runtime"
)

// intWork is stageWork on an int: the same arithmetic without the map.
func intWork(v int) int { return v*2 + 1 }

var (
	benchIn  = runtime.NewIn[int]("in")
	benchOut = runtime.NewOut[int]("out")
)

// BenchmarkFlowLinear3Typed is BenchmarkFlowLinear3 over typed int ports.
// Compare with BenchmarkChannelPipeline3Int (SPEC §5: ≥ 0.5× its
// throughput, ≤ 6 allocs/job).
func BenchmarkFlowLinear3Typed(b *testing.B) {
	var sink atomic.Int64
	stage := runtime.NewRoutine("stage").In(benchIn).Out(benchOut).Logic(func(ctx context.Context, in runtime.Input) error {
		return benchOut.Emit(ctx, intWork(benchIn.From(in)[0]))
	})
	last := runtime.NewRoutine("last").In(benchIn).Logic(func(ctx context.Context, in runtime.Input) error {
		sink.Add(int64(intWork(benchIn.From(in)[0])))
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
	want := int64(0)
	for i := range b.N {
		if _, err := benchIn.Post(ctx, r, "linear", "s1", i); err != nil {
			b.Fatal(err)
		}
		want += int64(intWork(intWork(intWork(i))))
	}
	if err := r.Wait(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if got := sink.Load(); got != want {
		b.Fatalf("sink %d, want %d", got, want)
	}
	reportJobs(b, cpu0)
}

// BenchmarkChannelPipeline3Int is the hand-written baseline of ints: one
// goroutine per stage, unbuffered channels.
func BenchmarkChannelPipeline3Int(b *testing.B) {
	in, c1, c2 := make(chan int), make(chan int), make(chan int)
	done := make(chan int64)
	go func() {
		for v := range in {
			c1 <- intWork(v)
		}
		close(c1)
	}()
	go func() {
		for v := range c1 {
			c2 <- intWork(v)
		}
		close(c2)
	}()
	go func() {
		var sink int64
		for v := range c2 {
			sink += int64(intWork(v))
		}
		done <- sink
	}()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		in <- i
	}
	close(in)
	<-done
	b.StopTimer()
	reportJobs(b, cpu0)
}

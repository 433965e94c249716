package bench

import (
	"context"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/sourcegraph/conc/stream"
	"golang.org/x/sync/errgroup"

	"github.com/routigen/routigen/runtime"
)

// stageWork is the work of one stage: read v from a message, make a new one.
func stageWork(m runtime.Message) runtime.Message {
	return runtime.Message{"v": m["v"].(int)*2 + 1}
}

// want is the sum the last stage reaches over jobs 0..n-1.
func want(n int) int64 {
	var s int64
	for i := range n {
		s += int64(stageWork(stageWork(stageWork(runtime.Message{"v": i})))["v"].(int))
	}
	return s
}

// check fails b unless the sum is right, and reports jobs/s and the
// process's CPU per job since cpu0: on a shared machine CPU time is steadier
// than wall time.
func check(b *testing.B, got int64, cpu0 time.Duration) {
	b.Helper()
	if w := want(b.N); got != w {
		b.Fatalf("sum %d, want %d", got, w)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/job")
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRoutigen is routigen's 3-routine linear flow on untyped ports.
func BenchmarkRoutigen(b *testing.B) {
	var sink atomic.Int64
	stage := runtime.NewRoutine("stage").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		return runtime.Emit(ctx, "out", stageWork(in.Slot("in")[0]))
	})
	last := runtime.NewRoutine("last").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		sink.Add(int64(stageWork(in.Slot("in")[0])["v"].(int)))
		return nil
	})
	f := runtime.NewFlow("linear")
	for _, err := range []error{
		f.Add("s1", stage), f.Add("s2", stage), f.Add("s3", last),
		f.Connect("s1", "out", "s2", "in"), f.Connect("s2", "out", "s3", "in"),
	} {
		if err != nil {
			b.Fatal(err)
		}
	}
	rt := runtime.New()
	defer rt.Close()
	if err := rt.Register(f); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		if _, err := rt.Post(ctx, "linear", "s1", "in", runtime.Message{"v": i}); err != nil {
			b.Fatal(err)
		}
	}
	if err := rt.Wait(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	check(b, sink.Load(), cpu0)
}

// BenchmarkErrgroup is the hand-written pipeline an errgroup user writes:
// one goroutine per stage, unbuffered channels, cancellation on error.
func BenchmarkErrgroup(b *testing.B) {
	g, ctx := errgroup.WithContext(context.Background())
	in, c1, c2 := make(chan runtime.Message), make(chan runtime.Message), make(chan runtime.Message)
	stage := func(from <-chan runtime.Message, to chan<- runtime.Message) func() error {
		return func() error {
			defer close(to)
			for m := range from {
				select {
				case to <- stageWork(m):
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		}
	}
	g.Go(stage(in, c1))
	g.Go(stage(c1, c2))
	var sink int64
	g.Go(func() error {
		for m := range c2 {
			sink += int64(stageWork(m)["v"].(int))
		}
		return nil
	})
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		in <- runtime.Message{"v": i}
	}
	close(in)
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	check(b, sink, cpu0)
}

// BenchmarkConcStream chains three conc streams: each stage's ordered
// callback hands its result to the next stage's stream.
func BenchmarkConcStream(b *testing.B) {
	s1, s2, s3 := stream.New(), stream.New(), stream.New()
	var sink int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		m := runtime.Message{"v": i}
		s1.Go(func() stream.Callback {
			m1 := stageWork(m)
			return func() {
				s2.Go(func() stream.Callback {
					m2 := stageWork(m1)
					return func() {
						s3.Go(func() stream.Callback {
							v := stageWork(m2)["v"].(int)
							return func() { sink += int64(v) }
						})
					}
				})
			}
		})
	}
	s1.Wait()
	s2.Wait()
	s3.Wait()
	b.StopTimer()
	check(b, sink, cpu0)
}

// BenchmarkWatermillGoChannel routes through three handlers of a Watermill
// router over its in-process GoChannel pub/sub.
func BenchmarkWatermillGoChannel(b *testing.B) {
	logger := watermill.NopLogger{}
	ps := gochannel.NewGoChannel(gochannel.Config{}, logger)
	router, err := message.NewRouter(message.RouterConfig{}, logger)
	if err != nil {
		b.Fatal(err)
	}
	decode := func(msg *message.Message) runtime.Message {
		v, err := strconv.Atoi(string(msg.Payload))
		if err != nil {
			b.Error(err)
		}
		return runtime.Message{"v": v}
	}
	encode := func(m runtime.Message) *message.Message {
		return message.NewMessage(watermill.NewUUID(), strconv.AppendInt(nil, int64(m["v"].(int)), 10))
	}
	stage := func(msg *message.Message) ([]*message.Message, error) {
		return []*message.Message{encode(stageWork(decode(msg)))}, nil
	}
	router.AddHandler("s1", "in", ps, "t1", ps, stage)
	router.AddHandler("s2", "t1", ps, "t2", ps, stage)
	var sink atomic.Int64
	var seen atomic.Int64
	done := make(chan struct{})
	router.AddNoPublisherHandler("s3", "t2", ps, func(msg *message.Message) error {
		sink.Add(int64(stageWork(decode(msg))["v"].(int)))
		if seen.Add(1) == int64(b.N) {
			close(done)
		}
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = router.Run(ctx) }()
	<-router.Running()
	defer router.Close()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		if err := ps.Publish("in", encode(runtime.Message{"v": i})); err != nil {
			b.Fatal(err)
		}
	}
	<-done
	b.StopTimer()
	check(b, sink.Load(), cpu0)
}

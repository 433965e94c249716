package jetstream

import (
	"context"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// The SPEC §7 benchmarks: the 3-routine linear flow, in memory and on one
// embedded node, side by side in one run.
//
//	cd jetstream && go test -run '^$' -bench . -benchtime 20000x

func linear3(b testing.TB) *runtime.Flow {
	f, err := linear3Flow()
	if err != nil {
		b.Fatal(err)
	}
	return f
}

func linear3Flow() (*runtime.Flow, error) {
	stage := runtime.NewRoutine("stage").Slot("in").Event("out").Logic(func(ctx context.Context, in runtime.Input) error {
		m := in.Slot("in")[0]
		return runtime.Emit(ctx, "out", runtime.Message{"v": m["v"].(int)*2 + 1})
	})
	last := runtime.NewRoutine("last").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		job, err := runtime.RequireJob(ctx)
		if err != nil {
			return err
		}
		job.SetResult(in.Slot("in")[0]["v"].(int)*2 + 1)
		return nil
	})
	f := runtime.NewFlow("linear")
	for _, err := range []error{f.Add("s1", stage), f.Add("s2", stage), f.Add("s3", last),
		f.Connect("s1", "out", "s2", "in"), f.Connect("s2", "out", "s3", "in")} {
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}

type benchTarget struct {
	name string
	open func(b *testing.B) *runtime.Runtime
}

var benchTargets = []benchTarget{
	{"memory", func(b *testing.B) *runtime.Runtime {
		rt := runtime.New()
		b.Cleanup(func() { rt.Close() })
		return rt
	}},
	{"jetstream-embedded", func(b *testing.B) *runtime.Runtime {
		rt, _ := testNode(b, testServer(b), newPrefix())
		return rt
	}},
	// A post-only node in the benchmark's process, three node processes
	// over TCP: the flow's default worker runs on one of them at a time.
	{"jetstream-3-node-processes", func(b *testing.B) *runtime.Runtime {
		s, err := StartServer(ServerConfig{StoreDir: b.TempDir(), Port: -1})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(s.Shutdown)
		p := newPrefix()
		for range 3 {
			startProc(b, envRole+"=node", envURL+"="+s.ClientURL(), envPrefix+"="+p, envFlow+"=linear3")
		}
		rt, _ := testNode(b, s, p, runtime.PostOnly())
		return rt
	}},
}

// BenchmarkLinear3 posts b.N jobs from 64 goroutines and waits for each
// (jobs/s, cpu-ns/job).
func BenchmarkLinear3(b *testing.B) {
	for _, tg := range benchTargets {
		b.Run(tg.name, func(b *testing.B) {
			rt := tg.open(b)
			if err := rt.Register(linear3(b)); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			const posters = 64
			var wg sync.WaitGroup
			next := make(chan int, posters)
			b.ResetTimer()
			cpu0, t0 := cpuTime(), time.Now()
			for range posters {
				wg.Go(func() {
					for i := range next {
						job, err := rt.Post(ctx, "linear", "s1", "in", runtime.Message{"v": i})
						if err != nil {
							b.Error(err)
							return
						}
						if err := job.Wait(ctx); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			for i := range b.N {
				next <- i
			}
			close(next)
			wg.Wait()
			b.StopTimer()
			el := time.Since(t0)
			b.ReportMetric(float64(b.N)/el.Seconds(), "jobs/s")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/job")
		})
	}
}

// BenchmarkLinear3Latency posts one job at a time and waits for it: post
// to Wait latency, p50 and p99.
func BenchmarkLinear3Latency(b *testing.B) {
	for _, tg := range benchTargets {
		b.Run(tg.name, func(b *testing.B) {
			rt := tg.open(b)
			if err := rt.Register(linear3(b)); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				t0 := time.Now()
				job, err := rt.Post(ctx, "linear", "s1", "in", runtime.Message{"v": i})
				if err != nil {
					b.Fatal(err)
				}
				if err := job.Wait(ctx); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
		})
	}
}

// cpuTime is the CPU time (user + system) the process used so far, in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

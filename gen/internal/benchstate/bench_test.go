package benchstate_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/gen/internal/benchstate"
	"github.com/routigen/routigen/runtime/runtimetest"
)

// Run with:
//
//	go test ./gen/internal/benchstate -run '^$' -bench . -benchmem

var sink int

func loopOf(b *testing.B) (context.Context, benchstate.LoopAccessor) {
	ctx, _, _ := runtimetest.NewContext(b, "loop-1")
	st, err := benchstate.LoopOf(ctx)
	if err != nil {
		b.Fatal(err)
	}
	st.SetIteration(7)
	return ctx, st
}

// BenchmarkFieldRead compares a generated field read (job scope) with the
// hand-namespaced raw pattern it replaces.
func BenchmarkFieldRead(b *testing.B) {
	b.Run("generated", func(b *testing.B) {
		_, st := loopOf(b)
		b.ReportAllocs()
		for b.Loop() {
			sink += st.Iteration()
		}
	})
	b.Run("generated-with-Of", func(b *testing.B) {
		ctx, _ := loopOf(b)
		b.ReportAllocs()
		for b.Loop() {
			st, err := benchstate.LoopOf(ctx)
			if err != nil {
				b.Fatal(err)
			}
			sink += st.Iteration()
		}
	})
	b.Run("rwmutex", func(b *testing.B) {
		l := new(lockedLoop)
		l.setIteration(7)
		b.ReportAllocs()
		for b.Loop() {
			sink += l.iteration()
		}
	})
	b.Run("raw-GetData-Sprintf", func(b *testing.B) {
		_, job, _ := runtimetest.NewContext(b, "loop-1")
		id := "loop-1"
		job.SetData(fmt.Sprintf("loop_iteration_%s", id), 7) //routigen:ignore jobdata the raw pattern is this benchmark's baseline
		b.ReportAllocs()
		for b.Loop() {
			v, _ := job.GetData(fmt.Sprintf("loop_iteration_%s", id))
			sink += v.(int)
		}
	})
}

// lockedLoop is the baseline of a read under a sync.RWMutex, the lock
// generated getters of scalar fields no longer take.
type lockedLoop struct {
	mu sync.RWMutex
	v  benchstate.Loop
}

func (l *lockedLoop) iteration() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.v.Iteration
}

func (l *lockedLoop) setIteration(i int) {
	l.mu.Lock()
	l.v.Iteration = i
	l.mu.Unlock()
}

// BenchmarkFieldReadParallel reads a field from b.RunParallel readers
// (GOMAXPROCS of them), alone and while one more goroutine keeps writing
// it: the generated read against the RWMutex read and the raw pattern.
// With readers alone, ns/op below the uncontended read's means the
// readers scale.
func BenchmarkFieldReadParallel(b *testing.B) {
	// Each setup returns a reader loop (direct calls, as code reads) and
	// a write.
	type reader struct {
		name  string
		setup func(b *testing.B) (loop func(*testing.PB) int, write func(int))
	}
	for _, rd := range []reader{
		{"generated", func(b *testing.B) (func(*testing.PB) int, func(int)) {
			_, st := loopOf(b)
			return func(pb *testing.PB) (n int) {
				for pb.Next() {
					n += st.Iteration()
				}
				return n
			}, st.SetIteration
		}},
		{"rwmutex", func(b *testing.B) (func(*testing.PB) int, func(int)) {
			l := new(lockedLoop)
			return func(pb *testing.PB) (n int) {
				for pb.Next() {
					n += l.iteration()
				}
				return n
			}, l.setIteration
		}},
		{"raw-GetData-Sprintf", func(b *testing.B) (func(*testing.PB) int, func(int)) {
			_, job, _ := runtimetest.NewContext(b, "loop-1")
			id := "loop-1"
			key := fmt.Sprintf("loop_iteration_%s", id)
			job.SetData(key, 7) //routigen:ignore jobdata the raw pattern is this benchmark's baseline
			return func(pb *testing.PB) (n int) {
					for pb.Next() {
						v, _ := job.GetData(fmt.Sprintf("loop_iteration_%s", id))
						n += v.(int)
					}
					return n
				}, func(i int) {
					job.SetData(key, i) //routigen:ignore jobdata the raw pattern is this benchmark's baseline
				}
		}},
	} {
		for _, writer := range []bool{false, true} {
			name := rd.name + "/readers"
			if writer {
				name += "+writer"
			}
			b.Run(name, func(b *testing.B) {
				loop, write := rd.setup(b)
				if writer {
					done := make(chan struct{})
					var wg sync.WaitGroup
					wg.Go(func() {
						for i := 0; ; i++ {
							select {
							case <-done:
								return
							default:
								write(i)
							}
						}
					})
					defer func() { close(done); wg.Wait() }()
				}
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					n := loop(pb)
					mu.Lock()
					sink += n
					mu.Unlock()
				})
			})
		}
	}
}

var mu sync.Mutex // guards sink for parallel benchmarks

func BenchmarkUpdate(b *testing.B) {
	_, st := loopOf(b)
	b.ReportAllocs()
	for b.Loop() {
		st.Update(func(s *benchstate.Loop) { s.Iteration++ })
	}
}

func BenchmarkSetField(b *testing.B) {
	_, st := loopOf(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		st.SetIteration(i)
	}
}

// BenchmarkWriteFloor is the least a race-free locked write can cost: a
// plain sync.Mutex around the field's store and one atomic store of its
// word, the two things a generated setter must do. The setter and Update
// are read as ratios to it (absolute nanoseconds depend on the machine's
// cost of a locked instruction).
func BenchmarkWriteFloor(b *testing.B) {
	var c struct {
		mu   sync.Mutex
		v    benchstate.Loop
		word atomic.Uint64
	}
	i := 0
	for b.Loop() {
		i++
		c.mu.Lock()
		c.v.Iteration = i
		c.word.Store(uint64(c.v.Iteration))
		c.mu.Unlock()
	}
}

// BenchmarkLoad copies a struct with a slice of 8 and a map of 8 entries.
func BenchmarkLoad(b *testing.B) {
	_, st := loopOf(b)
	v := benchstate.Loop{Seen: map[string]int{}}
	for i := range 8 {
		v.History = append(v.History, fmt.Sprint(i))
		v.Seen[fmt.Sprint(i)] = i
	}
	st.Store(v)
	b.ReportAllocs()
	for b.Loop() {
		sink += len(st.Load().History)
	}
}

// TestZeroAllocs proves that a field read without slices or maps, and
// Update, allocate nothing.
func TestZeroAllocs(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "loop-1")
	st, err := benchstate.LoopOf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, fn := range map[string]func(){
		"Iteration":    func() { sink += st.Iteration() },
		"Label":        func() { sink += len(st.Label()) },
		"Update":       func() { st.Update(func(s *benchstate.Loop) { s.Iteration++ }) },
		"SetIteration": func() { st.SetIteration(3) },
		"Key":          func() { sink += len(st.Key()) },
	} {
		if n := testing.AllocsPerRun(100, fn); n != 0 {
			t.Errorf("%s: %v allocs/op, want 0", name, n)
		}
	}
}

// TestCurrent keeps the committed generated file current.
func TestCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("loads packages (-short)")
	}
	res, err := gen.Generate(t.Context(), gen.Config{Dir: "."}, ".")
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if d := res.Diff(filepath.Join("..", "..", "..")); len(d) > 0 {
		t.Errorf("routigen_gen.go is stale; run go generate ./gen/internal/benchstate:\n%s", d)
	}
}

// TestConcurrentUse runs every accessor method at once (go test -race
// checks the locking).
func TestConcurrentUse(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "loop-1")
	st, err := benchstate.LoopOf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				st.Update(func(s *benchstate.Loop) {
					s.Iteration++
					s.History = append(s.History, "x")
					if s.Seen == nil {
						s.Seen = map[string]int{}
					}
					s.Seen["k"]++
				})
				switch (g + i) % 6 {
				case 0:
					_ = st.History()
				case 1:
					_ = st.Seen()
				case 2:
					v := st.Load()
					v.History = append(v.History, "local")
					v.Seen["local"] = 1 // a copy: no race with the cell
				case 3:
					st.SetLabel("l")
				case 4:
					_ = st.Label() + st.Key()
				case 5:
					st.SetHistory([]string{"reset"})
				}
			}
		})
	}
	wg.Wait()
	if got := st.Iteration(); got != 8*200 {
		t.Errorf("Iteration = %d, want %d", got, 8*200)
	}
	if got := st.Seen()["k"]; got != 8*200 {
		t.Errorf("Seen[k] = %d, want %d", got, 8*200)
	}
}

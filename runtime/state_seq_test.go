package runtime

import (
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"
)

type seqPair struct{ A, B int64 }

// readA and readB read a field as a generated getter of a scalar field
// does: one optimistic try, then the lock. fast reports which path
// answered.
func readA(c *Cell[seqPair]) (v int64, fast bool) {
	if seq, ok := c.ReadBegin(); ok {
		v := c.Peek().A
		if c.ReadValid(seq) {
			return v, true
		}
	}
	v = c.RLock().A
	c.RUnlock()
	return v, false
}

func readB(c *Cell[seqPair]) (v int64, fast bool) {
	if seq, ok := c.ReadBegin(); ok {
		v := c.Peek().B
		if c.ReadValid(seq) {
			return v, true
		}
	}
	v = c.RLock().B
	c.RUnlock()
	return v, false
}

func TestCellSeqAligned(t *testing.T) {
	var c Cell[struct{ X int8 }]
	if off := unsafe.Offsetof(c.seq); off%8 != 0 {
		t.Errorf("seq at offset %d: not 64-bit aligned", off)
	}
	if a := unsafe.Alignof(c); a < 8 {
		t.Errorf("Cell aligned on %d bytes, want 8", a)
	}
}

func TestCellReadBegin(t *testing.T) {
	c := &Cell[seqPair]{}
	seq, ok := c.ReadBegin()
	if !optimisticReads {
		if ok {
			t.Fatal("ReadBegin ok with optimistic reads off")
		}
		c.Update(func(s *seqPair) {
			if _, ok := c.ReadBegin(); ok {
				t.Error("ReadBegin ok with optimistic reads off")
			}
		})
		return
	}
	if !ok || !c.ReadValid(seq) {
		t.Fatalf("idle cell: ReadBegin %v, ReadValid %v", ok, c.ReadValid(seq))
	}
	c.Lock().A = 1
	if _, ok := c.ReadBegin(); ok {
		t.Error("ReadBegin ok while Lock is held")
	}
	if c.ReadValid(seq) {
		t.Error("ReadValid true while Lock is held")
	}
	c.Unlock()
	if c.ReadValid(seq) {
		t.Error("ReadValid true after a write")
	}
	seq, ok = c.ReadBegin()
	if !ok {
		t.Fatal("ReadBegin not ok after Unlock")
	}
	c.Update(func(s *seqPair) {
		if _, ok := c.ReadBegin(); ok {
			t.Error("ReadBegin ok during Update")
		}
		s.A = 2
	})
	if c.ReadValid(seq) {
		t.Error("ReadValid true after Update")
	}
	func() {
		defer func() { _ = recover() }()
		c.Update(func(*seqPair) { panic("x") })
	}()
	if _, ok := c.ReadBegin(); !ok {
		t.Error("ReadBegin not ok after an Update that panicked")
	}
	if v, fast := readA(c); v != 2 || !fast {
		t.Errorf("readA = %d, %v; want 2, true", v, fast)
	}
}

// stressCell runs writers and optimistic readers on one cell for the
// given number of writes. Every write keeps A == -B, both counting up
// (A) and down (B) by one, but first stores a value out of their range
// (A < 0, B > 0) that no read may return. Each reader checks that A never
// goes back nor leaves its range, and B likewise. It returns how many reads
// the optimistic path answered, and how many the lock.
func stressCell(t *testing.T, writers, readers, writes int) (fast, slow int64) {
	c := &Cell[seqPair]{}
	var done atomic.Int32
	var wg sync.WaitGroup
	torn := func(s *seqPair) {
		n := s.A + 1
		for j := range int64(32) {
			s.A, s.B = -j-1, j+1
		}
		s.A, s.B = n, -n
	}
	for w := range writers {
		wg.Go(func() {
			defer done.Add(1)
			for i := range writes / writers {
				if (i+w)%2 == 0 {
					c.Update(torn)
				} else {
					torn(c.Lock())
					c.Unlock()
				}
			}
		})
	}
	var nFast, nSlow atomic.Int64
	for range readers {
		wg.Go(func() {
			var lastA, lastB int64
			var f, s int64
			defer func() {
				nFast.Add(f)
				nSlow.Add(s)
			}()
			count := func(fast bool) {
				if fast {
					f++
				} else {
					s++
				}
			}
			for i := 0; done.Load() < int32(writers); i++ {
				if i%128 == 0 {
					goruntime.Gosched() // let the writers run
				}
				a, fa := readA(c)
				b, fb := readB(c)
				count(fa)
				count(fb)
				if a < lastA || b > lastB {
					t.Errorf("went back: A %d after %d, B %d after %d (fast %v %v)", a, lastA, b, lastB, fa, fb)
					return
				}
				lastA, lastB = a, b
			}
		})
	}
	wg.Wait()
	if a, _ := readA(c); a != int64(writes/writers*writers) {
		t.Errorf("A = %d after %d writes", a, writes/writers*writers)
	}
	return nFast.Load(), nSlow.Load()
}

// TestCellOptimisticReadConcurrent runs the stress briefly in every build:
// under the race detector it checks that the reads, all locked there, race
// with nothing.
func TestCellOptimisticReadConcurrent(t *testing.T) {
	stressCell(t, 2, 2, 2000)
}

// Benchmarks of the cell alone; see gen/internal/benchstate for the
// generated accessors.

func BenchmarkCellReadOptimistic(b *testing.B) {
	c := &Cell[seqPair]{}
	c.Lock().A = 7
	c.Unlock()
	b.ReportAllocs()
	var n int64
	for b.Loop() {
		v, _ := readA(c)
		n += v
	}
	_ = n
}

func BenchmarkCellSet(b *testing.B) {
	c := &Cell[seqPair]{}
	b.ReportAllocs()
	var i int64
	for b.Loop() {
		i++
		c.Lock().A = i
		c.Unlock()
	}
}

package runtime

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestPoolStolenNeverWaitsForAWakeUp is the regression test of the lost
// wake-up fixed in 46c9680. A goroutine G1 going idle steals a kept
// activation; meanwhile a submit spends G1's idle count on a wake-up, and
// another goroutine G3 takes that wake-up before G1 waits for it. Before the
// fix G1 then waited for a wake-up holding the activation, and its job hung
// until some later submit that might never come. Now the activation is
// queued, so whoever wakes runs it: here G3.
func TestPoolStolenNeverWaitsForAWakeUp(t *testing.T) {
	p := &pool{limit: 256, wake: make(chan struct{}, 2), cur: make([]curSlot, 1)}
	running, kept, other := new(activation), new(activation), new(activation)
	running.next.Store(kept)
	p.cur[0].a.Store(running)
	var g3done atomic.Bool
	g1, g3first, g3 := make(chan *activation, 1), make(chan *activation, 1), make(chan *activation, 1)
	p.hooks = &poolHooks{
		stolen: func() { p.submit(other) }, // spends G1's count: idle 0, a wake-up sent
		parked: func() {
			// G3 pops other straight from the queue, then goes idle and
			// takes the wake-up that was meant for G1.
			go func() {
				g3first <- p.pop()
				a := p.pop()
				g3done.Store(true)
				g3 <- a
			}()
			if a := <-g3first; a != other {
				t.Errorf("G3 popped %p first, want other %p", a, other)
			}
			// Let G3 run until it took the wake-up (the race) or the
			// activation (no race: it was queued before G3 looked).
			for deadline := time.Now().Add(5 * time.Second); len(p.wake) > 0 && !g3done.Load() && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
		},
	}
	go func() { g1 <- p.pop() }()
	select {
	case a := <-g3:
		if a != kept {
			t.Errorf("G3 popped %p, want the stolen activation %p", a, kept)
		}
	case a := <-g1:
		t.Fatalf("G1 returned %p without waiting", a)
	case <-time.After(5 * time.Second):
		t.Fatal("the stolen activation was never handed out: a lost wake-up")
	}
	p.close() // wakes G1, still idle
	if a := <-g1; a != nil {
		t.Errorf("G1 after close popped %p, want nil", a)
	}
}

// The only goroutine of a one-goroutine pool takes the queue in batches
// (one lock per maxBatch activations): it still hands them out once each,
// in submit order, frees the queue's room as it takes them, and ends after
// close only once its batch is run.
func TestPoolSingleBatchesInOrder(t *testing.T) {
	p := &pool{limit: 256, wake: make(chan struct{}, 1), cur: make([]curSlot, 1), single: true}
	const n = 2*maxBatch + 3
	acts := make([]*activation, n)
	for i := range acts {
		acts[i] = new(activation)
		p.submit(acts[i])
	}
	if a := p.pop(); a != acts[0] {
		t.Fatalf("first pop %p, want the first submitted %p", a, acts[0])
	}
	if got, want := int(p.qlen.Load()), n-1-maxBatch; got != want {
		t.Errorf("queue holds %d after the first pop, want %d (a batch of %d taken)", got, want, maxBatch)
	}
	p.mu.Lock()
	p.closed = true // close without waiting for goroutines: there are none
	p.mu.Unlock()
	for i := 1; i < n; i++ {
		if a := p.pop(); a != acts[i] {
			t.Fatalf("pop %d returned %p, want %p", i, a, acts[i])
		}
	}
	if a := p.pop(); a != nil {
		t.Errorf("pop of a closed, drained pool returned %p, want nil", a)
	}
}

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

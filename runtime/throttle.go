package runtime

import (
	"sync"
	"time"
)

// throttle spaces the activations of one routine instance on one worker by
// at least d, across jobs. Jobs that must wait queue here, in order, and a
// timer lets the next one go when the interval is over.
type throttle struct {
	d       time.Duration
	mu      sync.Mutex
	next    time.Time
	waiting []throttled
	timer   *time.Timer
	armed   bool
}

type throttled struct {
	jr *jobRun
	n  *node
}

// acquire reports whether jr may fire n now; if not, jr is queued and will
// be granted by the timer. Called with jr.mu held (see the lock order on
// Runtime); the timer never holds t.mu while it takes jr.mu.
func (t *throttle) acquire(jr *jobRun, n *node) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if len(t.waiting) == 0 && !now.Before(t.next) {
		t.next = now.Add(t.d)
		return true
	}
	t.waiting = append(t.waiting, throttled{jr, n})
	if !t.armed {
		t.arm(t.next.Sub(now))
	}
	return false
}

func (t *throttle) arm(d time.Duration) {
	t.armed = true
	if t.timer == nil {
		t.timer = time.AfterFunc(d, t.fire)
	} else {
		t.timer.Reset(d)
	}
}

func (t *throttle) fire() {
	t.mu.Lock()
	if len(t.waiting) == 0 {
		t.armed = false
		t.mu.Unlock()
		return
	}
	w := t.waiting[0]
	t.waiting[0] = throttled{}
	t.waiting = t.waiting[1:]
	t.next = time.Now().Add(t.d)
	t.armed = false
	if len(t.waiting) > 0 {
		t.arm(t.d)
	}
	t.mu.Unlock()

	jr := w.jr
	st := &jr.insts[w.n.idx]
	jr.mu.Lock()
	st.waiting = false
	st.granted = true
	jr.active--
	a := jr.tryFireLocked(w.n, st)
	st.granted = false
	complete, quiet := jr.settleLocked()
	jr.mu.Unlock()
	jr.after(a, complete, quiet)
}

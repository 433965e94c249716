package runtime

import (
	"slices"
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

// cancel takes jr's wait off the queue and reports whether it was there:
// false when fire already took it (fire then finds the job ended).
func (t *throttle) cancel(jr *jobRun) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, w := range t.waiting {
		if w.jr == jr {
			t.waiting = slices.Delete(t.waiting, i, i+1)
			return true
		}
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
	e := jr.endLocked()
	jr.mu.Unlock()
	jr.finishStep(e, a)
}

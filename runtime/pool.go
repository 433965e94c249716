package runtime

import (
	"bytes"
	"context"
	goruntime "runtime"
	"sync"
	"sync/atomic"
)

// pool runs activations on a fixed number of goroutines, from one FIFO.
// submit never blocks (logic emitting downstream must not wait for a free
// goroutine, or a busy pool would deadlock on itself); Post from outside
// the pool waits for room instead, so a burst of posts cannot pile up
// without bound.
type pool struct {
	r     *Runtime
	limit int // queue length above which outside posts wait

	mu     sync.Mutex
	q      []*activation
	head   int
	idle   int
	closed bool
	// idleHint mirrors idle for handOff, which reads it without mu.
	idleHint atomic.Int32
	// qlen mirrors len(q)-head for waitRoom's lock-free fast path.
	qlen atomic.Int32
	// cur[i] is the activation goroutine i runs, for steal. Padded: each
	// goroutine writes its own once per activation. A pool of one
	// goroutine publishes nothing: there is no other goroutine to steal.
	cur  []curSlot
	room chan struct{} // closed when the queue drains below limit/2
	wake chan struct{}
	// batch holds what the only goroutine of a one-goroutine pool took off
	// q in one hold of mu, to run before it takes mu again: one lock per
	// up to maxBatch activations instead of one each. Only that goroutine
	// touches it. A pool of more goroutines takes one at a time, so that
	// none sits on work another could run.
	single       bool
	batch        [maxBatch]*activation
	bhead, bsize int
	wg           sync.WaitGroup
	// gids[i] is the goroutine id of goroutine i (see goid), so that a
	// post made on one of them (by logic with a context not its own, or
	// by a hook) does not wait for room: see onPool.
	gids []atomic.Uint64
	// hooks lets a test stop pop at the two points of the lost wake-up
	// race (see TestPoolStolenNeverWaitsForAWakeUp); nil otherwise.
	hooks *poolHooks
}

type poolHooks struct {
	stolen func() // a goroutine counted idle just stole an activation
	parked func() // ... found its count spent, queued it, is about to wait
}

// maxLocalRuns bounds how many activations one pool goroutine runs in a row
// by hand-off before it goes back to the queue, so a job that loops does
// not keep queued jobs waiting.
const maxLocalRuns = 64

func newPool(r *Runtime, n int) *pool {
	p := &pool{r: r, limit: max(256, 64*n), wake: make(chan struct{}, n), single: n == 1}
	p.wg.Add(n)
	p.cur = make([]curSlot, n)
	p.gids = make([]atomic.Uint64, n)
	for i := range n {
		go p.loop(i)
	}
	return p
}

func (p *pool) loop(self int) {
	var cur *activation // the activation being run
	closed := false
	defer func() {
		if !closed {
			// runtime.Goexit (t.FailNow) in logic or a hook ends this
			// goroutine: another takes its place, or the pool would
			// shrink by one each time.
			p.goexited(cur)
			p.wg.Add(1)
			go p.loop(self)
		}
		p.wg.Done()
	}()
	p.gids[self].Store(goid())
	for {
		a := p.pop()
		if a == nil {
			closed = true
			return
		}
		for i := 0; a != nil; i++ {
			if i == maxLocalRuns {
				p.submit(a)
				break
			}
			// Published for steal while it runs, and not cleared after: the
			// next activation overwrites it, and a finished activation has
			// nothing to steal (run takes its next; what Emit keeps after
			// that it takes back, unless steal took it first, which is as
			// good). One store per activation instead of two.
			if !p.single {
				p.cur[self].a.Store(a)
			}
			cur = a
			a = p.r.run(a)
		}
		if !p.single {
			p.cur[self].a.Store(nil) // idle: nothing of ours to steal, nothing kept alive
		}
	}
}

// goexited ends cur, the activation whose goroutine is ending through
// runtime.Goexit, unless it ended already: Goexit in its logic is ended by
// activation.goexited, one in a hook after its logic (AfterRoutine, the
// runtime's logger) here, so that its job does not wait for it for ever.
func (p *pool) goexited(cur *activation) {
	if cur == nil || cur.done() {
		return
	}
	if next := p.r.end(cur); next != nil {
		p.submit(next)
	}
}

type curSlot struct {
	a atomic.Pointer[activation]
	_ [56]byte // a cache line of its own
}

// steal takes an activation kept for hand-off by a running one.
func (p *pool) steal() *activation {
	for i := range p.cur {
		if c := p.cur[i].a.Load(); c != nil {
			// A CAS, not a Swap: an ended activation's next must stay
			// ended, or a late Emit would keep work on it that nobody runs.
			if n := c.next.Load(); n != nil && n != ended && c.next.CompareAndSwap(n, nil) {
				return n
			}
		}
	}
	return nil
}

// maxBatch bounds a one-goroutine pool's batch (see pool.batch): posts see
// the queue drain by up to this many at once.
const maxBatch = 16

func (p *pool) pop() *activation {
	if p.bhead < p.bsize {
		a := p.batch[p.bhead]
		p.batch[p.bhead] = nil
		p.bhead++
		return a
	}
	p.mu.Lock()
	for p.head == len(p.q) {
		if p.closed {
			p.mu.Unlock()
			return nil
		}
		p.idle++
		p.idleHint.Store(int32(p.idle))
		p.mu.Unlock()
		if a := p.steal(); a != nil {
			if p.hooks != nil {
				p.hooks.stolen()
			}
			p.mu.Lock()
			if p.idle > 0 {
				// Not idle after all: undo the count.
				p.idle--
				p.idleHint.Store(int32(p.idle))
				p.mu.Unlock()
				return a
			}
			// A submit already spent the count on a wake-up, and any idle
			// goroutine may take that wake-up, not necessarily this one:
			// waiting for it while holding a could wait for the next
			// submit, which may never come (a's job would hang). Queue a
			// and wait like every idle goroutine: whoever wakes runs it.
			p.q = append(p.q, a)
			p.qlen.Store(int32(len(p.q) - p.head))
			p.mu.Unlock()
			if p.hooks != nil {
				p.hooks.parked()
			}
		}
		<-p.wake
		p.mu.Lock()
	}
	a := p.q[p.head]
	p.q[p.head] = nil
	p.head++
	if p.single {
		n := copy(p.batch[:], p.q[p.head:])
		clear(p.q[p.head : p.head+n])
		p.head += n
		p.bhead, p.bsize = 0, n
	}
	if p.head == len(p.q) {
		p.q, p.head = p.q[:0], 0
	} else if p.head > 1024 && p.head*2 > len(p.q) {
		n := copy(p.q, p.q[p.head:])
		clear(p.q[n:])
		p.q, p.head = p.q[:n], 0
	}
	p.qlen.Store(int32(len(p.q) - p.head))
	if p.room != nil && len(p.q)-p.head < p.limit/2 {
		close(p.room)
		p.room = nil
	}
	p.mu.Unlock()
	return a
}

func (p *pool) submit(a *activation) {
	p.mu.Lock()
	p.q = append(p.q, a)
	p.qlen.Store(int32(len(p.q) - p.head))
	wake := p.idle > 0
	if wake {
		p.idle--
		p.idleHint.Store(int32(p.idle))
	}
	p.mu.Unlock()
	if wake {
		p.wake <- struct{}{}
	}
}

// waitRoom blocks while the queue is over its limit, or until ctx ends.
func (p *pool) waitRoom(ctx context.Context) error {
	if int(p.qlen.Load()) < p.limit {
		return nil
	}
	if p.onPool() {
		return nil
	}
	p.mu.Lock()
	for len(p.q)-p.head >= p.limit && !p.closed {
		if p.room == nil {
			p.room = make(chan struct{})
		}
		room := p.room
		p.mu.Unlock()
		select {
		case <-room:
		case <-ctx.Done():
			return ctx.Err()
		}
		p.mu.Lock()
	}
	p.mu.Unlock()
	return nil
}

// onPool reports whether the calling goroutine is one of the pool's. A
// post made there must not wait for room: room comes only from the pool's
// goroutines, and if each of them waited, nothing would drain the queue
// (logic that posts with context.Background() instead of its own ctx, or
// a hook that posts, deadlocked a one-goroutine pool this way). Posts from
// logic with its ctx skip the wait without asking (see post); this is the
// slow path's check, paid only when the queue is full.
func (p *pool) onPool() bool {
	id := goid()
	if id == 0 {
		return false
	}
	for i := range p.gids {
		if p.gids[i].Load() == id {
			return true
		}
	}
	return false
}

// goid returns the calling goroutine's id, read from the header line of
// its stack trace ("goroutine 42 [running]:"): Go exposes it nowhere else,
// and that format has not changed since Go 1. 0 if it cannot be read.
func goid() uint64 {
	var buf [64]byte
	b := buf[:goruntime.Stack(buf[:], false)]
	b, ok := bytes.CutPrefix(b, []byte("goroutine "))
	if !ok {
		return 0
	}
	var id uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}

func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = 0
	if p.room != nil {
		close(p.room)
		p.room = nil
	}
	p.mu.Unlock()
	for range idle {
		p.wake <- struct{}{}
	}
	p.wg.Wait()
}

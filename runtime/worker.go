package runtime

import (
	"maps"
	"sync"
	"sync/atomic"
)

// RoutineStatus is the runtime's own bookkeeping for one routine instance on
// a worker. It is kept apart from user state: RoutineState never shows it and
// UpdateRoutineState never touches it.
type RoutineStatus string

const (
	RoutineIdle    RoutineStatus = "idle"
	RoutineRunning RoutineStatus = "running"
	RoutineSkipped RoutineStatus = "skipped"
	RoutineFailed  RoutineStatus = "failed"
)

// WorkerState is the long-lived state of one worker: per-routine user state
// that accumulates across jobs, job counters, routine statuses and the typed
// cells of worker-scope generated accessors. It is safe for concurrent use.
type WorkerState struct {
	id, flowID string

	mu       sync.Mutex
	user     map[string]Message
	statuses map[string]RoutineStatus
	// userVer counts changes to user, so that a Backend persists it only
	// when it changed (see persistState).
	userVer uint64

	processed atomic.Int64
	failed    atomic.Int64

	// Statuses of the routine instances the runtime runs here: fixed when
	// the worker starts, atomics so that every activation can update them
	// without a lock. statuses holds the rest (set by hand in tests).
	nodeIdx   map[string]int
	nodeStats []nodeStat
	// running reports whether node i has an activation under way; the
	// runtime answers it from its jobs, so activations pay nothing for it.
	running func(i int) bool

	cells   cellStore
	persist persistState
}

// NewWorkerState returns a worker state that belongs to no runtime, for tests
// and tools (see package runtimetest).
func NewWorkerState(id, flowID string) *WorkerState {
	return &WorkerState{id: id, flowID: flowID, user: map[string]Message{}, statuses: map[string]RoutineStatus{}}
}

// ID returns the worker id.
func (w *WorkerState) ID() string { return w.id }

// FlowID returns the id of the flow the worker executes.
func (w *WorkerState) FlowID() string { return w.flowID }

// RoutineState returns a copy of the user state of routineID.
func (w *WorkerState) RoutineState(routineID string) Message {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := maps.Clone(w.user[routineID])
	if m == nil {
		m = Message{}
	}
	return m
}

// UpdateRoutineState merges updates into the user state of routineID.
func (w *WorkerState) UpdateRoutineState(routineID string, updates Message) {
	w.mu.Lock()
	defer w.mu.Unlock()
	maps.Copy(w.userLocked(routineID), updates)
	w.userVer++
}

// userLocked returns the user state of routineID, making it (and, in a
// zero WorkerState, the map of them). w.mu must be held.
func (w *WorkerState) userLocked(routineID string) Message {
	m := w.user[routineID]
	if m == nil {
		if w.user == nil {
			w.user = map[string]Message{}
		}
		m = Message{}
		w.user[routineID] = m
	}
	return m
}

// ModifyRoutineState runs fn on the user state of routineID under the
// worker's lock: an atomic read-modify-write. fn may change the map in place;
// it must not keep it.
func (w *WorkerState) ModifyRoutineState(routineID string, fn func(state Message)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.userLocked(routineID)
	w.userVer++
	fn(m)
}

type nodeStat struct {
	last atomic.Uint32 // outcome of the last activation: index into outcomes
}

var outcomes = [...]RoutineStatus{RoutineIdle, RoutineSkipped, RoutineFailed}

func newRuntimeWorkerState(id, flowID string, routineIDs []string) *WorkerState {
	w := NewWorkerState(id, flowID)
	w.nodeIdx = make(map[string]int, len(routineIDs))
	for i, r := range routineIDs {
		w.nodeIdx[r] = i
	}
	w.nodeStats = make([]nodeStat, len(routineIDs))
	return w
}

// activationEnded records the outcome of an activation of node i. It
// writes only on a change: activations on every core update these, and an
// unchanged cache line is not bounced between them.
func (w *WorkerState) activationEnded(i int, s RoutineStatus) {
	st := &w.nodeStats[i]
	for k, o := range outcomes {
		if o == s && st.last.Load() != uint32(k) {
			st.last.Store(uint32(k))
		}
	}
}

// RoutineStatus returns the runtime's status of routineID on this worker:
// running while an activation of it is under way (for any job), else the
// outcome of the last one: idle (it returned nil or its error was
// continued), skipped or failed.
func (w *WorkerState) RoutineStatus(routineID string) RoutineStatus {
	if i, ok := w.nodeIdx[routineID]; ok {
		if w.running != nil && w.running(i) {
			return RoutineRunning
		}
		return outcomes[w.nodeStats[i].last.Load()]
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if s, ok := w.statuses[routineID]; ok {
		return s
	}
	return RoutineIdle
}

// JobsProcessed returns how many jobs finished on this worker, whatever
// their outcome.
func (w *WorkerState) JobsProcessed() int64 { return w.processed.Load() }

// JobsFailed returns how many jobs failed (or were cancelled) on this worker.
func (w *WorkerState) JobsFailed() int64 { return w.failed.Load() }

func (w *WorkerState) countStatus(s JobStatus) {
	w.processed.Add(1)
	if s == JobFailed || s == JobCancelled {
		w.failed.Add(1)
	}
}

package runtime

import (
	"context"
	"fmt"
	"maps"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Message is an event payload.
type Message = map[string]any

// JobStatus is the life-cycle state of a job.
type JobStatus int

const (
	JobPending JobStatus = iota
	JobRunning
	JobCompleted
	JobFailed
	JobCancelled
)

func (s JobStatus) String() string {
	switch s {
	case JobPending:
		return "pending"
	case JobRunning:
		return "running"
	case JobCompleted:
		return "completed"
	case JobFailed:
		return "failed"
	case JobCancelled:
		return "cancelled"
	}
	return "unknown"
}

// Finished reports whether s is a final status.
func (s JobStatus) Finished() bool { return s >= JobCompleted }

// TraceEntry is one line of a job's trace log.
type TraceEntry struct {
	Time      time.Time
	RoutineID string
	Action    string
	Details   Message
}

// DefaultTraceLimit bounds a job's trace log unless WithTraceLimit says
// otherwise.
const DefaultTraceLimit = 1000

// JobContext is the state of one job: identity, metadata, free-form data, a
// bounded trace log, status and the typed state cells of generated
// accessors. It is safe for concurrent use.
type JobContext struct {
	// flowID is the flow's id; the worker's id is the owner's (see
	// jobOwner), so that a job's block stays in its size class.
	flowID string
	// id is the job's id: the one it was made with, or, for a job the
	// runtime named (idN), the one the owner makes from idN when ID first
	// asks. Most jobs are never asked. Read it through ID only.
	idN      uint64
	id       atomic.Pointer[string]
	metadata Message
	created  jobTime

	mu   sync.Mutex
	data Message
	// rec holds the trace and the captured log, made on first use: most
	// jobs never trace or log, and a smaller job is a cheaper job.
	rec *jobRecords
	// status is a JobStatus, in 4 bytes next to finished's 4.
	status    int32
	finished  atomic.Bool // status is final; read without mu by the scheduler
	result    any
	completed jobTime
	done      chan struct{} // made on demand by Done: most jobs are never waited on one by one
	// owner (the runtime's worker) is told when the job finishes; nil for
	// jobs that belong to no runtime. run is the job's scheduling state.
	owner jobOwner
	run   *jobRun
	// tm holds the deadline, its timer and the AfterFuncs of contexts
	// derived from logic's (see jobend.go); most jobs have none of them,
	// and a smaller job is a cheaper job.
	tm atomic.Pointer[jobTimers]

	// cells is made on first use (most jobs of a flow without typed state
	// never need it); see cellStoreOf.
	cells atomic.Pointer[cellStore]
	// x holds what few jobs have (the values of Post's context, an
	// error), made on first use; see jobExtra.
	x atomic.Pointer[jobExtra]
}

// jobExtra is the part of a JobContext that most jobs never need, made on
// first use, so that a job's block stays in its size class.
type jobExtra struct {
	// base lends the values (not the cancellation) of Post's context to
	// the job's activations; set before the job starts.
	base context.Context
	// err is Err's, under the job's mu.
	err error
}

// extraLocked returns j.x, making it. j.mu must be held, or the job not
// yet posted.
func (j *JobContext) extraLocked() *jobExtra {
	if x := j.x.Load(); x != nil {
		return x
	}
	x := new(jobExtra)
	j.x.Store(x)
	return x
}

// errLocked is the job's error. j.mu must be held.
func (j *JobContext) errLocked() error {
	if x := j.x.Load(); x != nil {
		return x.err
	}
	return nil
}

// limits are the bounds of the job's trace and captured log: its owner's.
func (j *JobContext) limits() (trace, log int) {
	if j.owner == nil {
		return DefaultTraceLimit, DefaultLogLimit
	}
	return j.owner.limits()
}

// cellStoreOf returns the job's typed state, making it on first use.
func (j *JobContext) cellStoreOf() *cellStore {
	if s := j.cells.Load(); s != nil {
		return s
	}
	j.cells.CompareAndSwap(nil, new(cellStore))
	return j.cells.Load()
}

// NewJobContext returns a pending job that belongs to no runtime. The runtime
// makes its own jobs; this is for tests and tools (see package runtimetest).
func NewJobContext(id, flowID, workerID string, metadata Message) *JobContext {
	return newJobContext(id, flowID, workerID, metadata, DefaultTraceLimit)
}

func newJobContext(id, flowID, workerID string, metadata Message, traceLimit int) *JobContext {
	if traceLimit <= 0 {
		traceLimit = DefaultTraceLimit
	}
	j := new(JobContext)
	j.owner = &detached{worker: workerID, traceLimit: min(traceLimit, math.MaxInt32)}
	j.init(id, flowID, metadata)
	return j
}

// init sets up a zero JobContext whose owner is set, in place, so the
// runtime can allocate it together with its own per-job state. The job is
// created now.
func (j *JobContext) init(id, flowID string, metadata Message) {
	if id != "" {
		given := id // on the heap only for a job given its id
		j.id.Store(&given)
	}
	j.flowID = flowID
	j.metadata = maps.Clone(metadata)
	j.created = j.clock().since()
}

// ID returns the job id.
func (j *JobContext) ID() string {
	if p := j.id.Load(); p != nil {
		return *p
	}
	if j.idN == 0 {
		return ""
	}
	id := j.owner.jobID(j.idN)
	j.id.CompareAndSwap(nil, &id)
	return *j.id.Load()
}

// FlowID returns the id of the flow the job runs in.
func (j *JobContext) FlowID() string { return j.flowID }

// WorkerID returns the id of the worker the job runs on.
func (j *JobContext) WorkerID() string {
	if j.owner == nil {
		return ""
	}
	return j.owner.workerID()
}

// CreatedAt returns when the job was created.
func (j *JobContext) CreatedAt() time.Time { return j.clock().at(j.created) }

// Metadata returns a copy of the metadata the job was posted with.
func (j *JobContext) Metadata() Message {
	m := maps.Clone(j.metadata)
	if m == nil {
		m = Message{}
	}
	return m
}

// SetData stores v under a flat key. Flat keys collide when a flow holds two
// instances of one routine: prefer generated //routigen:state accessors.
func (j *JobContext) SetData(key string, v any) {
	j.mu.Lock()
	if j.data == nil {
		j.data = Message{} // most jobs never use flat data
	}
	j.data[key] = v
	j.mu.Unlock()
}

// GetData returns the value stored under key.
func (j *JobContext) GetData(key string) (any, bool) {
	j.mu.Lock()
	v, ok := j.data[key]
	j.mu.Unlock()
	return v, ok
}

// DeleteData removes key.
func (j *JobContext) DeleteData(key string) {
	j.mu.Lock()
	delete(j.data, key)
	j.mu.Unlock()
}

// Data returns a copy of the free-form data. Writes to it are lost.
func (j *JobContext) Data() Message {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.data == nil {
		return Message{}
	}
	return maps.Clone(j.data)
}

// Trace appends an entry to the trace log. Once the log holds its limit the
// oldest entry goes; TraceDropped counts them.
func (j *JobContext) Trace(routineID, action string, details Message) {
	e := TraceEntry{Time: time.Now(), RoutineID: routineID, Action: action, Details: maps.Clone(details)}
	j.mu.Lock()
	defer j.mu.Unlock()
	limit, _ := j.limits()
	j.records().trace.add(e, limit)
}

// TraceLog returns the trace log, oldest first.
func (j *JobContext) TraceLog() []TraceEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.rec == nil {
		return []TraceEntry{}
	}
	return j.rec.trace.list()
}

// TraceDropped returns how many of the oldest trace entries were dropped to
// keep the log within its limit.
func (j *JobContext) TraceDropped() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.rec == nil {
		return 0
	}
	return j.rec.trace.lost
}

// jobRecords holds what few jobs have: their trace, captured log and the
// messages they dropped.
type jobRecords struct {
	trace ring[TraceEntry]
	logs  ring[LogEntry]
	drops []Drop
}

// records returns j.rec, making it. j.mu must be held.
func (j *JobContext) records() *jobRecords {
	if j.rec == nil {
		j.rec = new(jobRecords)
	}
	return j.rec
}

// ring keeps the last limit entries added; lost counts the others.
type ring[T any] struct {
	buf   []T
	start int
	lost  int64
}

func (r *ring[T]) add(e T, limit int) {
	if len(r.buf) < limit {
		r.buf = append(r.buf, e)
		return
	}
	r.buf[r.start] = e
	r.start = (r.start + 1) % limit
	r.lost++
}

func (r *ring[T]) list() []T {
	out := make([]T, 0, len(r.buf))
	out = append(out, r.buf[r.start:]...)
	return append(out, r.buf[:r.start]...)
}

// Status returns the job's status.
func (j *JobContext) Status() JobStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	return JobStatus(j.status)
}

// Err returns the error the job failed or was cancelled with, else nil.
func (j *JobContext) Err() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.errLocked()
}

// CompletedAt returns when the job finished; zero while it runs.
func (j *JobContext) CompletedAt() time.Time {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.clock().at(j.completed)
}

// Done is closed when the job finishes.
func (j *JobContext) Done() <-chan struct{} {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.done == nil {
		if JobStatus(j.status).Finished() {
			return closedChan
		}
		j.done = make(chan struct{})
	}
	return j.done
}

var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// Wait blocks until the job finishes and returns nil when it completed, its
// error when it failed or was cancelled, or ctx.Err() when ctx ends first.
// A job that has finished reports its own outcome even when ctx is done
// too: the outcome never depends on which of the two a select saw first.
// Called from the job's own logic with its context (or one derived from
// it), it fails at once: the job cannot end while that logic runs.
func (j *JobContext) Wait(ctx context.Context) error {
	done := j.Done()
	select {
	case <-done:
		return j.Err()
	default:
	}
	if ctx == nil {
		return fmt.Errorf("runtime: wait for job %q: %w", j.ID(), errNilContext)
	}
	if ec := execOf(ctx); ec != nil && ec.act != nil && ec.Job == j && !ec.act.done() {
		// The job cannot end while this logic runs: only a cancel would
		// end the wait.
		return fmt.Errorf("runtime: wait for job: %w", waitsForItsJob(ec.act))
	}
	select {
	case <-done:
		return j.Err()
	case <-ctx.Done():
		select {
		case <-done: // both ready: the job's outcome wins
			return j.Err()
		default:
			return ctx.Err()
		}
	}
}

// SetResult stores v as the job's result, for its poster to read with
// Result once the job has finished. Logic of any routine of the job may
// set it; the last call wins.
func (j *JobContext) SetResult(v any) {
	j.mu.Lock()
	j.result = v
	j.mu.Unlock()
}

// Result returns what SetResult stored last, nil if nothing. It does not
// wait: call it after Wait (or Done) to see the job's final result.
func (j *JobContext) Result() any {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.result
}

// Complete marks the job completed. Only the first finishing call counts.
func (j *JobContext) Complete() { j.finish(JobCompleted, nil) }

// Fail marks the job failed with err. Only the first finishing call counts.
func (j *JobContext) Fail(err error) {
	if err == nil {
		err = errJobFailed
	}
	j.finish(JobFailed, err)
}

// Cancel marks the job cancelled with err. Only the first finishing call
// counts. On the view of a job running on another node (under a Backend)
// it cancels the job there, cluster-wide, unless it ended already.
func (j *JobContext) Cancel(err error) {
	if err == nil {
		err = context.Canceled
	}
	if v, ok := j.owner.(*remoteView); ok {
		v.cancel(err)
		return
	}
	j.finish(JobCancelled, err)
}

func (j *JobContext) setRunning() {
	j.mu.Lock()
	if j.status == int32(JobPending) {
		j.status = int32(JobRunning)
	}
	j.mu.Unlock()
}

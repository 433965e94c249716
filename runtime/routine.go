package runtime

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"reflect"
	"runtime/debug"
	"slices"
	"time"
	"unsafe"
)

// LogicFunc is what a routine does when it is activated. ctx carries the
// activation's ExecContext; in holds the messages the activation consumed.
// A non-nil error goes to the routine's ErrorHandler.
type LogicFunc func(ctx context.Context, in Input) error

// Input is what one activation consumed, slot by slot. Messages are shared
// with the emitter and with the other receivers of the same event: treat them
// as read-only.
type Input struct {
	def   *routineDef
	slots []slotInput // per slot
}

// slotInput is what an activation consumed from one slot: a []Message of
// an untyped slot or a []any of boxed values of a typed one, by its
// routine's slot types; one slice header, not two, so that a job's block
// (see jobBlock) fits a smaller malloc size class.
type slotInput struct {
	p    unsafe.Pointer // the slice's first element
	n, c int            // its length and capacity
}

func msgsInput(ms []Message) slotInput {
	return slotInput{unsafe.Pointer(unsafe.SliceData(ms)), len(ms), cap(ms)}
}

func valsInput(vs []any) slotInput {
	return slotInput{unsafe.Pointer(unsafe.SliceData(vs)), len(vs), cap(vs)}
}

// msgs is the slice of an untyped slot's input, vals that of a typed one.
func (s slotInput) msgs() []Message { return unsafe.Slice((*Message)(s.p), s.c)[:s.n] }
func (s slotInput) vals() []any     { return unsafe.Slice((*any)(s.p), s.c)[:s.n] }

// NewInput returns an Input holding msgs per slot, for calling a LogicFunc
// directly in tests (see package runtimetest for its context).
func NewInput(msgs map[string][]Message) Input {
	names := slices.Sorted(maps.Keys(msgs))
	def := &routineDef{kind: "test", slotNames: names, slots: make([]slotDef, len(names))}
	in := Input{def: def, slots: make([]slotInput, len(names))}
	for i, n := range names {
		def.slots[i].name = n
		in.slots[i] = msgsInput(slices.Clone(msgs[n]))
	}
	return in
}

// InputWith returns a copy of in in which typed slot p holds vs, for calling
// a LogicFunc that reads p directly in tests:
//
//	in := runtime.InputWith(runtime.NewInput(nil), orderIn, Order{ID: 1})
func InputWith[T any](in Input, p In[T], vs ...T) Input {
	var def routineDef
	if in.def != nil {
		def = *in.def
	}
	def.kind = cmp.Or(def.kind, "test")
	def.slots, def.slotNames = slices.Clone(def.slots), slices.Clone(def.slotNames)
	out := Input{def: &def, slots: slices.Clone(in.slots)}
	i := out.slotIndex(p.name)
	if i < 0 {
		i = len(def.slots)
		def.slots = append(def.slots, slotDef{name: p.name})
		def.slotNames = append(def.slotNames, p.name)
		out.slots = append(out.slots, slotInput{})
	}
	def.slots[i].typ = p.typ
	out.slots[i] = slotInput{}
	if p.typ == nil {
		out.slots[i] = msgsInput(*any(&vs).(*[]Message))
		return out
	}
	var boxes []any
	for _, v := range vs {
		boxes = append(boxes, box(v))
	}
	out.slots[i] = valsInput(boxes)
	return out
}

// Slot returns the messages the activation consumed from slot name, oldest
// first; nil for a slot that had none or that the routine does not have.
// A typed slot (see [In]) of a type other than Message has no messages:
// read it with In.From.
func (in Input) Slot(name string) []Message {
	if i := in.slotIndex(name); i >= 0 && in.def.slots[i].typ == nil {
		return in.slots[i].msgs()
	}
	return nil
}

func (in Input) slotIndex(name string) int {
	if in.def == nil {
		return -1
	}
	for i, n := range in.def.slotNames {
		if n == name {
			return i
		}
	}
	return -1
}

func (in Input) kind() string {
	if in.def == nil {
		return ""
	}
	return in.def.kind
}

// Slots returns the routine's slot names in declaration order.
func (in Input) Slots() []string {
	if in.def == nil {
		return nil
	}
	return slices.Clone(in.def.slotNames)
}

// SlotOption configures a slot.
type SlotOption func(*slotDef)

// Optional marks a slot that AllSlotsReady and BatchSize do not wait for: it
// is consumed when the activation fires, but its emptiness does not hold the
// activation back.
func Optional() SlotOption { return func(s *slotDef) { s.optional = true } }

type slotDef struct {
	name     string
	optional bool
	typ      reflect.Type // payload type; nil: Message (untyped)
}

type eventDef struct {
	name   string
	fields []string
	typ    reflect.Type // payload type; nil: Message (untyped)
}

// Routine describes a kind of routine: its slots (inputs), events (outputs),
// activation policy, logic and error handler. It is a template: every
// Flow.Add makes an independent instance of it, with its own queues and its
// own state namespace. Builder methods return r so calls chain; mistakes
// (duplicate or empty names) are reported by Flow.Add.
type Routine struct {
	kind    string
	slots   []slotDef
	events  []eventDef
	policy  Policy
	logic   LogicFunc
	handler *ErrorHandler
	errs    []error
}

// NewRoutine returns an empty routine of the given kind. The kind is
// descriptive; instances are told apart by the id Flow.Add gives them.
func NewRoutine(kind string) *Routine { return &Routine{kind: kind} }

// Kind returns the kind NewRoutine was called with.
func (r *Routine) Kind() string { return r.kind }

// Slot declares an untyped input slot: its messages are Messages. See
// [Routine.In] for a typed one.
func (r *Routine) Slot(name string, opts ...SlotOption) *Routine {
	return r.slot(name, nil, opts)
}

func (r *Routine) slot(name string, typ reflect.Type, opts []SlotOption) *Routine {
	switch {
	case name == "":
		r.errs = append(r.errs, fmt.Errorf("routine %q: empty slot name", r.kind))
	case r.slotIndex(name) >= 0:
		r.errs = append(r.errs, fmt.Errorf("routine %q: slot %q declared twice: %w", r.kind, name, ErrDuplicate))
	default:
		s := slotDef{name: name, typ: typ}
		for _, o := range opts {
			o(&s)
		}
		r.slots = append(r.slots, s)
	}
	return r
}

// Event declares an untyped output event. fields document the payload's
// keys; they are not enforced: a typed event ([Routine.Out]) is.
func (r *Routine) Event(name string, fields ...string) *Routine {
	return r.event(name, nil, fields)
}

func (r *Routine) event(name string, typ reflect.Type, fields []string) *Routine {
	switch {
	case name == "":
		r.errs = append(r.errs, fmt.Errorf("routine %q: empty event name", r.kind))
	case r.eventIndex(name) >= 0:
		r.errs = append(r.errs, fmt.Errorf("routine %q: event %q declared twice: %w", r.kind, name, ErrDuplicate))
	default:
		r.events = append(r.events, eventDef{name: name, fields: slices.Clone(fields), typ: typ})
	}
	return r
}

// Policy sets the activation policy; the default is Immediate.
func (r *Routine) Policy(p Policy) *Routine {
	r.policy = p
	return r
}

// Logic sets what the routine does when activated.
func (r *Routine) Logic(fn LogicFunc) *Routine {
	r.logic = fn
	return r
}

// OnError sets the routine's error handler. Without one the flow's default
// (Flow.OnError) applies, and without that Stop.
func (r *Routine) OnError(h ErrorHandler) *Routine {
	r.handler = &h
	return r
}

// Slots returns the declared slot names.
func (r *Routine) Slots() []string {
	out := make([]string, len(r.slots))
	for i, s := range r.slots {
		out[i] = s.name
	}
	return out
}

// Events returns the declared event names.
func (r *Routine) Events() []string {
	out := make([]string, len(r.events))
	for i, e := range r.events {
		out[i] = e.name
	}
	return out
}

// EventFields returns the payload fields declared for event.
func (r *Routine) EventFields(event string) []string {
	for _, e := range r.events {
		if e.name == event {
			return slices.Clone(e.fields)
		}
	}
	return nil
}

func (r *Routine) slotIndex(name string) int {
	for i, s := range r.slots {
		if s.name == name {
			return i
		}
	}
	return -1
}

func (r *Routine) eventIndex(name string) int {
	for i, e := range r.events {
		if e.name == name {
			return i
		}
	}
	return -1
}

// routineDef is the frozen copy of a Routine that a registered flow runs, so
// builder calls after Register change nothing under a running flow.
type routineDef struct {
	kind      string
	slots     []slotDef
	slotNames []string
	events    []eventDef
	policy    Policy
	logic     LogicFunc
	handler   *ErrorHandler
}

func (r *Routine) freeze() routineDef {
	d := routineDef{
		kind:      r.kind,
		slots:     slices.Clone(r.slots),
		slotNames: r.Slots(),
		events:    slices.Clone(r.events),
		policy:    r.policy,
		logic:     r.logic,
	}
	if r.handler != nil {
		h := *r.handler
		d.handler = &h
	}
	return d
}

// ErrorStrategy says what happens when logic returns an error.
type ErrorStrategy uint8

const (
	// Stop fails the job with the error. It is what happens without a handler.
	Stop ErrorStrategy = iota
	// Continue records the error in the job's trace and log; the job goes on.
	Continue
	// Skip is Continue, and the routine's status on the worker says skipped.
	Skip
	// Retry re-runs the logic with the same input up to MaxRetries times,
	// waiting Delay×Backoff^(k-1) before retry k; then Stop.
	Retry
)

func (s ErrorStrategy) String() string {
	switch s {
	case Stop:
		return "stop"
	case Continue:
		return "continue"
	case Skip:
		return "skip"
	case Retry:
		return "retry"
	}
	return fmt.Sprintf("ErrorStrategy(%d)", uint8(s))
}

// ErrorHandler says what to do with an error returned by logic (or a veto of
// Hooks.BeforeRoutine). Panics are not handled: they always fail the job.
type ErrorHandler struct {
	Strategy ErrorStrategy
	// MaxRetries is how many times Retry re-runs the logic.
	MaxRetries int
	// Delay is the wait before the first retry.
	Delay time.Duration
	// Backoff multiplies the wait for each further retry; values below 1
	// mean 1 (a constant delay).
	Backoff float64
}

// RetryDelay returns the wait before retry k (k ≥ 1): Delay×Backoff^(k-1).
// It saturates at the largest Duration instead of overflowing, and is
// never negative (a negative Delay means no wait).
func (h ErrorHandler) RetryDelay(k int) time.Duration {
	if h.Delay <= 0 {
		return 0
	}
	d := float64(h.Delay)
	if h.Backoff > 1 {
		for i := 1; i < k && d < maxDelay; i++ {
			d *= h.Backoff
		}
	}
	if d >= maxDelay { // also +Inf
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(d)
}

// maxDelay is the largest Duration as a float64. It rounds up to 2^63, so
// every float64 below it converts to a Duration without overflow.
const maxDelay = float64(math.MaxInt64)

type policyKind uint8

const (
	policyImmediate policyKind = iota
	policyAllSlots
	policyBatch
	policyInterval
	policyCustom
)

// Policy decides when queued messages activate a routine instance and which
// of them the activation consumes. The queues it looks at belong to one
// (worker, routine instance, job): an activation never mixes jobs. The zero
// Policy is Immediate.
type Policy struct {
	kind policyKind
	n    int
	d    time.Duration
	// custom is behind a pointer so Policy stays comparable.
	custom *customPolicy
}

type customPolicy struct{ ready func(SlotView) bool }

// Immediate activates as soon as any slot holds a message and consumes every
// queued message of every slot. It is the default.
func Immediate() Policy { return Policy{} }

// AllSlotsReady activates once every slot (but Optional ones) holds at least
// one message, and consumes every queued message.
func AllSlotsReady() Policy { return Policy{kind: policyAllSlots} }

// BatchSize activates once every slot (but Optional ones) holds n messages
// and consumes exactly n from each (up to n from Optional slots). n below 1
// means 1. Messages left over when the job has nothing else to do are
// dropped, and the drop is traced.
func BatchSize(n int) Policy { return Policy{kind: policyBatch, n: max(n, 1)} }

// TimeInterval is Immediate throttled to one activation per d for each
// (worker, routine instance), whatever the job. Messages that arrive inside
// the interval are not lost or left waiting for more data: a timer activates
// the instance when the interval ends. Jobs waiting on the throttle are
// served in arrival order. d ≤ 0 means Immediate.
func TimeInterval(d time.Duration) Policy {
	if d <= 0 {
		return Policy{}
	}
	return Policy{kind: policyInterval, d: d}
}

// Custom activates when ready returns true for the queued messages (it is
// only asked while at least one message is queued) and consumes every queued
// message. ready runs under the job's scheduling lock: it must be quick and
// must not call into the runtime (nor wait for anything the job does). A
// panic in it is recovered and fails the job with a *PanicError (Post
// returns it when the panic came with the job's first message). A nil
// ready means Immediate.
func Custom(ready func(SlotView) bool) Policy {
	if ready == nil {
		return Policy{}
	}
	return Policy{kind: policyCustom, custom: &customPolicy{ready}}
}

func (p Policy) String() string {
	switch p.kind {
	case policyAllSlots:
		return "all_slots_ready"
	case policyBatch:
		return fmt.Sprintf("batch_size(%d)", p.n)
	case policyInterval:
		return fmt.Sprintf("time_interval(%s)", p.d)
	case policyCustom:
		return "custom"
	}
	return "immediate"
}

// SlotView is the read-only view of one (routine instance, job)'s queues
// that a Custom policy decides on.
type SlotView struct {
	def *routineDef
	q   []slotQueue
}

// Slots returns the slot names.
func (v SlotView) Slots() []string {
	if v.def == nil {
		return nil
	}
	return slices.Clone(v.def.slotNames)
}

// Len returns how many messages slot holds, typed or not.
func (v SlotView) Len(slot string) int {
	if i := v.index(slot); i >= 0 {
		return len(v.q[i].msgs)
	}
	return 0
}

// Messages returns the queued messages of slot, oldest first. They must not
// be modified. A typed value v shows as Message{ValueKey: v}; In.Queued
// reads a typed slot without the wrapping.
func (v SlotView) Messages(slot string) []Message {
	i := v.index(slot)
	if i < 0 || len(v.q[i].msgs) == 0 {
		return nil
	}
	out := make([]Message, len(v.q[i].msgs))
	for j, p := range v.q[i].msgs {
		out[j] = messageView(p)
	}
	return out
}

func (v SlotView) index(slot string) int {
	if v.def == nil {
		return -1
	}
	for i, n := range v.def.slotNames {
		if n == slot && i < len(v.q) {
			return i
		}
	}
	return -1
}

// ready reports whether queues q may activate the instance now, and batch:
// how many messages of each slot to take (0: all). perr is a Custom
// policy's panic.
func (p *Policy) ready(d *routineDef, q []slotQueue) (ok bool, batch int, perr *PanicError) {
	slots := d.slots
	total := 0
	for i := range q {
		total += len(q[i].msgs)
	}
	if total == 0 {
		return false, 0, nil
	}
	switch p.kind {
	case policyAllSlots, policyBatch:
		need := 1
		if p.kind == policyBatch {
			need = p.n
		}
		required, enough := false, false
		for i, s := range slots {
			if len(q[i].msgs) >= need {
				enough = true
			} else if !s.optional {
				return false, 0, nil
			}
			required = required || !s.optional
		}
		if !required && !enough {
			return false, 0, nil
		}
		if p.kind == policyBatch {
			return true, p.n, nil
		}
		return true, 0, nil
	case policyCustom:
		ok, perr := p.custom.call(SlotView{def: d, q: q})
		return ok, 0, perr
	}
	return true, 0, nil
}

// call asks the policy's func. It runs under the job's scheduling lock,
// which a panic must not leave held: the panic comes back as perr.
func (c *customPolicy) call(v SlotView) (ok bool, perr *PanicError) {
	defer func() {
		if x := recover(); x != nil {
			ok, perr = false, &PanicError{Func: "policy", Value: x, Stack: debug.Stack()}
		}
	}()
	return c.ready(v), nil
}

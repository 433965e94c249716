package runtime

import (
	"fmt"
	"reflect"
	"slices"
)

// Flow is a graph of routine instances: Add places a routine under an id,
// Connect wires an event of one instance to a slot of another (or the same)
// instance. Fan-out, fan-in and cycles are allowed. A Flow is a description:
// Runtime.Register freezes a copy of it, so later changes do not reach
// registered copies. It is not safe for concurrent use.
type Flow struct {
	id      string
	nodes   []flowNode
	conns   []connection
	handler *ErrorHandler
	onDrop  DropMode
}

type flowNode struct {
	id string
	r  *Routine
}

type connection struct {
	from, event, to, slot string
}

// NewFlow returns an empty flow.
func NewFlow(id string) *Flow { return &Flow{id: id} }

// ID returns the flow id.
func (f *Flow) ID() string { return f.id }

// Routines returns the routine ids in the order they were added.
func (f *Flow) Routines() []string {
	out := make([]string, len(f.nodes))
	for i, n := range f.nodes {
		out[i] = n.id
	}
	return out
}

// Add places an instance of r in the flow under routineID. Adding one
// *Routine under two ids, or to two flows, makes independent instances:
// their queues and their per-routine state never meet.
func (f *Flow) Add(routineID string, r *Routine) error {
	if routineID == "" {
		return fmt.Errorf("runtime: flow %q: add: empty routine id", f.id)
	}
	if r == nil {
		return fmt.Errorf("runtime: flow %q: add %q: nil routine", f.id, routineID)
	}
	if len(r.errs) > 0 {
		return fmt.Errorf("runtime: flow %q: add %q: %w", f.id, routineID, r.errs[0])
	}
	if f.node(routineID) != nil {
		return fmt.Errorf("runtime: flow %q: add %q: routine id %w", f.id, routineID, ErrDuplicate)
	}
	f.nodes = append(f.nodes, flowNode{id: routineID, r: r})
	return nil
}

// Connect sends every emit of event by fromRoutine to slot of toRoutine.
func (f *Flow) Connect(fromRoutine, event, toRoutine, slot string) error {
	from, to := f.node(fromRoutine), f.node(toRoutine)
	switch {
	case from == nil:
		return fmt.Errorf("runtime: flow %q: connect: routine %q: %w", f.id, fromRoutine, ErrUnknownRoutine)
	case to == nil:
		return fmt.Errorf("runtime: flow %q: connect: routine %q: %w", f.id, toRoutine, ErrUnknownRoutine)
	case from.r.eventIndex(event) < 0:
		return fmt.Errorf("runtime: flow %q: connect: routine %q has no event %q: %w", f.id, fromRoutine, event, ErrUnknownEvent)
	case to.r.slotIndex(slot) < 0:
		return fmt.Errorf("runtime: flow %q: connect: routine %q has no slot %q: %w", f.id, toRoutine, slot, ErrUnknownSlot)
	}
	c := connection{fromRoutine, event, toRoutine, slot}
	if err := c.checkTypes(from.r.events[from.r.eventIndex(event)].typ, to.r.slots[to.r.slotIndex(slot)].typ); err != nil {
		return fmt.Errorf("runtime: flow %q: %w", f.id, err)
	}
	if slices.Contains(f.conns, c) {
		return fmt.Errorf("runtime: flow %q: connect %s.%s -> %s.%s: connection %w", f.id, fromRoutine, event, toRoutine, slot, ErrDuplicate)
	}
	f.conns = append(f.conns, c)
	return nil
}

// checkTypes reports an event whose payload type differs from its target
// slot's. Untyped ports carry Message, so an untyped port connects to a
// typed port of Message and to nothing else typed.
func (c connection) checkTypes(event, slot reflect.Type) error {
	if event == slot {
		return nil
	}
	carries, takes := typeNames(event, slot)
	return fmt.Errorf("connect %s.%s -> %s.%s: the event carries %s, the slot takes %s: %w",
		c.from, c.event, c.to, c.slot, carries, takes, ErrPayloadType)
}

// OnError sets the flow's default error handler, for routines that set none.
func (f *Flow) OnError(h ErrorHandler) *Flow {
	f.handler = &h
	return f
}

func (f *Flow) node(id string) *flowNode {
	for i := range f.nodes {
		if f.nodes[i].id == id {
			return &f.nodes[i]
		}
	}
	return nil
}

// plan is the frozen, runnable form of a registered flow.
type plan struct {
	id     string
	nodes  []*node
	byID   map[string]*node
	nslots int // slots of all nodes: a job's queues are one slice
	// multiSlot says whether a node has more than one slot; only then does
	// a job need a queue slice beside its inline one-slot queues.
	multiSlot bool
	onDrop    DropMode
	// runs recycles the scheduling state of finished jobs (not their
	// JobContext, which users keep): less garbage per job.
	runs runList
	// execIDs makes the ids of the workers Exec starts, with a prefix of
	// the plan's own: an id it made that is no longer in the registry is
	// a stopped worker's, so the registry keeps nothing of those (see
	// Runtime.forget).
	execIDs idSource
}

// runList is a bounded free list of jobRuns, guarded by the runtime's
// liveMu: a job takes its jobRun, and gives it back, in the hold of liveMu
// that lists it or takes it off the live list. Not a sync.Pool: jobs are
// posted on one goroutine and retired on another, usually on another P,
// and a sync.Pool's Get then misses its own P's cache and steals from the
// other's on every job.
type runList struct {
	free []*jobRun
}

// maxFreeRuns bounds the recycled jobRuns a plan keeps (a few hundred
// bytes each): about as many jobs as Post lets queue up before it waits,
// not the most ever seen in flight.
const maxFreeRuns = 256

func (l *runList) get() *jobRun {
	n := len(l.free)
	if n == 0 {
		return nil
	}
	jr := l.free[n-1]
	l.free[n-1] = nil
	l.free = l.free[:n-1]
	return jr
}

func (l *runList) put(jr *jobRun) {
	if len(l.free) < maxFreeRuns {
		l.free = append(l.free, jr)
	}
}

// node is one routine instance of a plan.
type node struct {
	idx     int
	slotOff int // where the node's queues start in a job's queue slice
	id      string
	def     routineDef
	handler ErrorHandler
	// out holds every declared event with its targets (none: declared but
	// not connected), so Emit tells "unknown" from "goes nowhere" in one
	// lookup. Routines declare few events: a scan beats hashing.
	out []eventOut
}

type eventOut struct {
	event   string
	typ     reflect.Type // payload type; nil: Message
	targets []target
}

func (n *node) eventOut(event string) *eventOut {
	for i := range n.out {
		if n.out[i].event == event {
			return &n.out[i]
		}
	}
	return nil
}

type target struct {
	node *node
	slot int
}

func (n *node) slotIndex(name string) int {
	for i, s := range n.def.slotNames {
		if s == name {
			return i
		}
	}
	return -1
}

func (f *Flow) compile() (*plan, error) {
	if f.id == "" {
		return nil, fmt.Errorf("runtime: register: empty flow id")
	}
	p := &plan{id: f.id, byID: make(map[string]*node, len(f.nodes)), onDrop: f.onDrop}
	p.execIDs.init()
	for i, fn := range f.nodes {
		if len(fn.r.errs) > 0 {
			return nil, fmt.Errorf("runtime: flow %q: routine %q: %w", f.id, fn.id, fn.r.errs[0])
		}
		if fn.r.logic == nil {
			return nil, fmt.Errorf("runtime: flow %q: routine %q has no logic", f.id, fn.id)
		}
		n := &node{idx: i, slotOff: p.nslots, id: fn.id, def: fn.r.freeze()}
		p.nslots += len(n.def.slots)
		p.multiSlot = p.multiSlot || len(n.def.slots) > 1
		switch {
		case n.def.handler != nil:
			n.handler = *n.def.handler
		case f.handler != nil:
			n.handler = *f.handler
		}
		for _, e := range n.def.events {
			n.out = append(n.out, eventOut{event: e.name, typ: e.typ})
		}
		p.nodes = append(p.nodes, n)
		p.byID[n.id] = n
	}
	for _, c := range f.conns {
		from, to := p.byID[c.from], p.byID[c.to]
		si := to.slotIndex(c.slot)
		out := from.eventOut(c.event)
		if out == nil || si < 0 {
			// The routine changed after Connect checked it.
			return nil, fmt.Errorf("runtime: flow %q: connection %s.%s -> %s.%s no longer matches the routines: %w", f.id, c.from, c.event, c.to, c.slot, ErrUnknownEvent)
		}
		if err := c.checkTypes(out.typ, to.def.slots[si].typ); err != nil {
			return nil, fmt.Errorf("runtime: flow %q: %w", f.id, err)
		}
		out.targets = append(out.targets, target{node: to, slot: si})
	}
	return p, nil
}

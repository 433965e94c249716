package runtime

import (
	"context"
	"fmt"
	"reflect"
)

// In is a typed input slot: messages queued on it are values of T. Declare
// it once, at package level, pass it to the builder (Routine.In) and read it
// in logic (From):
//
//	var orderIn = runtime.NewIn[Order]("order")
//	...
//	for _, o := range orderIn.From(in) { ... }
//
// The zero In has no name: Routine.In reports it.
type In[T any] struct {
	name string
	typ  reflect.Type // nil when T is Message: the port is untyped
	opts []SlotOption
}

// Out is a typed output event: Emit takes a T.
//
//	var accepted = runtime.NewOut[Order]("accepted")
//	...
//	return accepted.Emit(ctx, o)
//
// The zero Out has no name: Routine.Out reports it.
type Out[T any] struct {
	name string
	typ  reflect.Type // nil when T is Message
}

// NewIn returns the typed slot name carrying values of T. In[Message] is an
// untyped slot, the same as Routine.Slot(name).
func NewIn[T any](name string, opts ...SlotOption) In[T] {
	typ := payloadType[T]()
	if typ != nil {
		boxers.Store(typ, func(v any) boxed { return box(v.(T)) }) // for a Backend's deliveries
	}
	return In[T]{name: name, typ: typ, opts: opts}
}

// NewOut returns the typed event name carrying values of T. Out[Message] is
// an untyped event, the same as Routine.Event(name).
func NewOut[T any](name string) Out[T] {
	return Out[T]{name: name, typ: payloadType[T]()}
}

// payloadType is T's type, or nil for Message: untyped ports have no type of
// their own, so a Message port and an untyped one are interchangeable.
func payloadType[T any]() reflect.Type {
	t := reflect.TypeFor[T]()
	if t == messageType {
		return nil
	}
	return t
}

var messageType = reflect.TypeFor[Message]()

// typeName names a payload type in errors: nil is runtime.Message.
func typeName(t reflect.Type) string {
	if t == nil {
		return "runtime.Message"
	}
	return t.String()
}

// typeNames names two payload types that differ, for an error about the
// one meeting the other: by their package paths when their short names
// are the same (model.Order from two packages named model).
func typeNames(a, b reflect.Type) (string, string) {
	na, nb := typeName(a), typeName(b)
	if na == nb {
		na, nb = qualifiedName(a), qualifiedName(b)
	}
	return na, nb
}

func qualifiedName(t reflect.Type) string {
	if t != nil && t.Name() != "" && t.PkgPath() != "" {
		return t.PkgPath() + "." + t.Name()
	}
	return typeName(t)
}

// Name returns the slot name.
func (p In[T]) Name() string { return p.name }

// Name returns the event name.
func (p Out[T]) Name() string { return p.name }

// InPort is a typed slot of any payload type: an In[T].
type InPort interface {
	inPort() (name string, typ reflect.Type, opts []SlotOption)
}

// OutPort is a typed event of any payload type: an Out[T].
type OutPort interface {
	outPort() (name string, typ reflect.Type)
}

func (p In[T]) inPort() (string, reflect.Type, []SlotOption) { return p.name, p.typ, p.opts }
func (p Out[T]) outPort() (string, reflect.Type)             { return p.name, p.typ }

// From returns the values the activation consumed from slot p, oldest first;
// nil when it consumed none. They are shared with the emitter and every
// other receiver: treat them as read-only. From panics (which fails the job
// with a [PanicError] naming the slot) when in's routine has no slot p or
// declared it with another payload type: that is a mistake in the program,
// not in the data, and a silent nil would hide it.
func (p In[T]) From(in Input) []T {
	i := in.slotIndex(p.name)
	if i < 0 {
		panic(fmt.Sprintf("runtime: routine %q has no slot %q", in.kind(), p.name))
	}
	if got := in.def.slots[i].typ; got != p.typ {
		has, want := typeNames(got, p.typ)
		panic(fmt.Sprintf("runtime: routine %q: slot %q carries %s, not %s", in.kind(), p.name, has, want))
	}
	if p.typ == nil {
		// T is Message: the untyped messages are already a []T.
		ms := in.slots[i].msgs()
		return *any(&ms).(*[]T)
	}
	return unboxAll[T](in.slots[i].vals())
}

// Queued returns the values queued on slot p, for a Custom policy to decide
// on; nil when the view has no such slot of type T.
func (p In[T]) Queued(v SlotView) []T {
	i := v.index(p.name)
	if i < 0 || v.def.slots[i].typ != p.typ {
		return nil
	}
	if p.typ == nil {
		ms := v.Messages(p.name)
		return *any(&ms).(*[]T)
	}
	return unboxAll[T](v.q[i].msgs)
}

// Emit delivers v to every slot connected to event p of the routine running
// in ctx, as [Emit] does for a Message. The routine must have declared p
// (Routine.Out): an event it does not declare, or declared with another
// payload type, is an error wrapping ErrUnknownEvent or ErrPayloadType.
// v is shared by every receiver: for a T holding pointers, maps or slices,
// do not modify what it refers to after Emit.
func (p Out[T]) Emit(ctx context.Context, v T) error {
	if p.typ == nil {
		m, ok := any(&v).(*Message)
		if !ok { // T is not Message: p is a zero Out, not one of NewOut
			return fmt.Errorf("runtime: emit: an Out[%s] not made by NewOut: %w", reflect.TypeFor[T](), ErrUnknownEvent)
		}
		return emit(ctx, p.name, *m, nil)
	}
	return emit(ctx, p.name, box(v), p.typ)
}

// Post starts a job by delivering v to slot p of routineID in flowID, as
// [Runtime.Post] does for a Message. The slot must carry T: posting to a
// slot of another payload type is an error wrapping ErrPayloadType, and no
// job is made.
func (p In[T]) Post(ctx context.Context, r *Runtime, flowID, routineID string, v T, opts ...PostOption) (*JobContext, error) {
	if p.typ == nil {
		m, ok := any(&v).(*Message)
		if !ok { // T is not Message: p is a zero In, not one of NewIn
			return nil, fmt.Errorf("runtime: post: an In[%s] not made by NewIn: %w", reflect.TypeFor[T](), ErrUnknownSlot)
		}
		return r.post(ctx, flowID, routineID, p.name, *m, nil, opts)
	}
	return r.post(ctx, flowID, routineID, p.name, box(v), p.typ, opts)
}

// In declares the typed input slot p (see [In]).
func (r *Routine) In(p InPort) *Routine {
	if p == nil {
		r.errs = append(r.errs, fmt.Errorf("routine %q: nil slot port", r.kind))
		return r
	}
	name, typ, opts := p.inPort()
	return r.slot(name, typ, opts)
}

// Out declares the typed output event p (see [Out]).
func (r *Routine) Out(p OutPort) *Routine {
	if p == nil {
		r.errs = append(r.errs, fmt.Errorf("routine %q: nil event port", r.kind))
		return r
	}
	name, typ := p.outPort()
	return r.event(name, typ, nil)
}

// boxed is a typed payload in a queue: a *valueBox[T]. Keeping the value in
// a one-element array lets From hand a single message out as a []T without
// copying or allocating.
type boxed interface {
	// value is the payload as an any, for the Message views of hooks,
	// Custom policies and runtimetest.
	value() any
}

type valueBox[T any] struct{ v [1]T }

func (b *valueBox[T]) value() any { return b.v[0] }

func box[T any](v T) boxed {
	b := new(valueBox[T])
	b.v[0] = v
	return b
}

func unboxAll[T any](vs []any) []T {
	switch len(vs) {
	case 0:
		return nil
	case 1:
		return vs[0].(*valueBox[T]).v[:]
	}
	out := make([]T, len(vs))
	for i, v := range vs {
		out[i] = v.(*valueBox[T]).v[0]
	}
	return out
}

// ValueKey is the key under which a typed payload appears in the Message
// views of observers written for untyped messages: hooks (OnEmit,
// BeforeEnqueue), SlotView.Messages and runtimetest's emissions see a typed
// value v as Message{ValueKey: v}. Typed code reads it with In.Queued or
// runtimetest.EmittedOf instead.
const ValueKey = "value"

// messageView is payload as observers of Messages see it.
func messageView(payload any) Message {
	switch p := payload.(type) {
	case Message:
		return p
	case boxed:
		return Message{ValueKey: p.value()}
	}
	return nil
}

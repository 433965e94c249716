package runtimetest

import (
	"context"
	"sync"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/internal/testemit"
)

// Emission is one emit recorded in a NewContext context.
type Emission struct {
	Event   string
	Payload runtime.Message
	// Value is the typed payload of an event declared with a payload type
	// (runtime.Out); nil for a Message event, whose Payload it is. A typed
	// value's Payload is its Message view, {runtime.ValueKey: Value}.
	Value any
}

// Emitted returns what the routine of ctx emitted so far through
// runtime.Emit, in order: ctx is a context from NewContext or WithRoutine,
// and the routine is its routine id (emits of other routines of the same
// job are listed under theirs). It returns nil for a context NewContext
// did not build.
func Emitted(ctx context.Context) []Emission {
	rec, _ := testemit.From(ctx).(*recorder)
	ec, ok := runtime.ExecFromContext(ctx)
	if rec == nil || !ok {
		return nil
	}
	return rec.of(ec.RoutineID)
}

// recorder keeps the emits of one NewContext job, by routine.
type recorder struct {
	mu   sync.Mutex
	byID map[string][]Emission
}

func (r *recorder) Record(routineID, event string, payload map[string]any, value any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byID == nil {
		r.byID = map[string][]Emission{}
	}
	r.byID[routineID] = append(r.byID[routineID], Emission{Event: event, Payload: payload, Value: value})
}

func (r *recorder) of(routineID string) []Emission {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Emission, len(r.byID[routineID]))
	copy(out, r.byID[routineID])
	return out
}

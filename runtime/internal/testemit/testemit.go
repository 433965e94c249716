// Package testemit lets package runtimetest see what logic emits in the
// contexts it builds, which carry no running routine: runtime.Emit hands
// such emits to the Recorder the context carries instead of failing.
package testemit

import "context"

// Recorder receives the emits of logic run in a runtimetest context.
// payload is the Message (or, for a typed event, the Message view of the
// value); value is the typed value, nil for an untyped event.
type Recorder interface {
	Record(routineID, event string, payload map[string]any, value any)
}

type key struct{}

// With returns a copy of ctx that carries rec.
func With(ctx context.Context, rec Recorder) context.Context {
	return context.WithValue(ctx, key{}, rec)
}

// From returns the Recorder ctx carries, nil if none.
func From(ctx context.Context) Recorder {
	if ctx == nil {
		return nil
	}
	rec, _ := ctx.Value(key{}).(Recorder)
	return rec
}

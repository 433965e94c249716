package runtimetest

import (
	"context"

	"github.com/routigen/routigen/runtime"
)

// EmittedOf returns the values the routine of ctx emitted on the typed
// event out so far, in order: Emitted, filtered to out's event and
// unwrapped to its type. For an Out[runtime.Message] they are the payloads.
// Emits of that event name with another payload type are not out's and are
// left out.
func EmittedOf[T any](ctx context.Context, out runtime.Out[T]) []T {
	var vals []T
	for _, e := range Emitted(ctx) {
		if e.Event != out.Name() {
			continue
		}
		var v any = e.Value
		if e.Value == nil {
			v = e.Payload
		}
		if t, ok := v.(T); ok {
			vals = append(vals, t)
		}
	}
	return vals
}

// Package runtime has the runtime's names at another import path.
package runtime

type WorkerState struct{ m map[string]map[string]any }

func (w *WorkerState) RoutineState(id string) map[string]any { return w.m[id] }

package workers

import (
	"fmt"

	"github.com/routigen/routigen/runtime"
)

// More negatives: keys computed from the routine id, in the shapes real
// code takes.

type keyed struct{ id string }

func (k keyed) read(w *runtime.WorkerState) runtime.Message { return w.RoutineState(k.id) }

func fieldKey(w *runtime.WorkerState, ec *runtime.ExecContext) {
	k := keyed{id: ec.RoutineID}
	_ = k.read(w)
}

func formatted(w *runtime.WorkerState, ec *runtime.ExecContext, n int) {
	w.UpdateRoutineState(fmt.Sprintf("%s:%d", ec.RoutineID, n), nil)
	w.ModifyRoutineState(ec.RoutineID+"/cache", func(runtime.Message) {})
}

func subKeys(w *runtime.WorkerState, ec *runtime.ExecContext) {
	for _, sub := range []string{"a", "b"} {
		w.UpdateRoutineState(ec.RoutineID+"."+sub, nil)
	}
}

func methodValueRoutineID(w *runtime.WorkerState, ec *runtime.ExecContext) {
	get := w.RoutineState
	_ = get(ec.RoutineID)
	id := ec.RoutineID
	func() { _ = w.RoutineState(id) }()
}

type embeds struct{ *runtime.WorkerState }

func embedded(e embeds, ec *runtime.ExecContext) {
	_ = e.RoutineState(ec.RoutineID)
}

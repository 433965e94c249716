package workers

import "github.com/routigen/routigen/runtime"

func f(w *runtime.WorkerState, ec *runtime.ExecContext) {
	_ = w.RoutineState("cache") // want `constant key "cache"`
	_ = w.RoutineState(ec.RoutineID)
}

package workers

import (
	"context"
	"fmt"

	fake "example.com/fake/runtime"

	"github.com/routigen/routigen/runtime"
)

// Negatives: none of these is reported.

func byRoutineID(ctx context.Context) error {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	st := ec.Worker.RoutineState(ec.RoutineID)
	ec.Worker.UpdateRoutineState(ec.RoutineID, runtime.Message{"n": len(st)})
	ec.Worker.ModifyRoutineState(ec.RoutineID, func(m runtime.Message) { m["n"] = 1 })
	return nil
}

func derivedKeys(ec *runtime.ExecContext) {
	ec.Worker.RoutineState(ec.RoutineID + ":cache")
	ec.Worker.RoutineState(fmt.Sprintf("%s/%s", ec.FlowID, ec.RoutineID))
	id := ec.RoutineID
	func() {
		ec.Worker.RoutineState(id)
	}()
}

var globalKey = "cache" // a variable: its value is not known statically

func packageVar(w *runtime.WorkerState) {
	w.RoutineState(globalKey)
}

func reassigned(w *runtime.WorkerState, ec *runtime.ExecContext) {
	key := "cache"
	if ec.RoutineID != "" {
		key = ec.RoutineID
	}
	w.RoutineState(key)
}

func capturedReassigned(w *runtime.WorkerState, ec *runtime.ExecContext) {
	key := "cache"
	set := func() { key = ec.RoutineID }
	set()
	func() { w.RoutineState(key) }()
}

func helperWithRoutineID(w *runtime.WorkerState, ec *runtime.ExecContext) runtime.Message {
	return stateOf(w, ec.RoutineID)
}

func helperNotAKey(w *runtime.WorkerState, ec *runtime.ExecContext) {
	log(w, "cache", ec.RoutineID)
}

func log(w *runtime.WorkerState, msg, id string) {
	_ = msg
	w.RoutineState(id)
}

func otherPackage(w *fake.WorkerState) {
	w.RoutineState("cache")
}

type stateSource interface{ RoutineState(string) runtime.Message }

func viaInterface(s stateSource) {
	s.RoutineState("cache") // the dynamic type is unknown
}

func otherMethods(w *runtime.WorkerState) string { return w.ID() }

func suppressed(w *runtime.WorkerState) {
	w.RoutineState("global") //routigen:ignore workerkey one cache for every instance, on purpose
	//routigen:ignore workerkey one cache for every instance, on purpose
	w.UpdateRoutineState("global", nil)
}

func unusedIgnore(w *runtime.WorkerState, ec *runtime.ExecContext) {
	w.RoutineState(ec.RoutineID) //routigen:ignore workerkey stale // want `workerkey: unused //routigen:ignore: this check reports nothing on the line`
}

func constantOnSomePaths(w *runtime.WorkerState, ec *runtime.ExecContext, fallback bool) {
	key := ec.RoutineID
	if fallback {
		key = "default"
	}
	w.RoutineState(key)
}

func shadowedConstant(w *runtime.WorkerState, ec *runtime.ExecContext) {
	key := ec.RoutineID
	{
		key := "cache"
		_ = key
	}
	w.RoutineState(key)
}

package workers

import (
	"context"

	"github.com/routigen/routigen/runtime"
)

const cacheKey = "cache"

type myKey string

const typedKey myKey = "typed"

// The fault from the Python original: worker_state.get_routine_state("cache").
func cached(ctx context.Context) error {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	cache := ec.Worker.RoutineState("cache") // want `RoutineState with the constant key "cache": every routine instance using it shares the state; key by ExecContext.RoutineID`
	_ = cache
	return nil
}

func kinds(w *runtime.WorkerState) {
	w.RoutineState(cacheKey)                                       // want `RoutineState with the constant key "cache"`
	w.UpdateRoutineState("loop_"+"state", runtime.Message{})       // want `UpdateRoutineState with the constant key "loop_state"`
	w.ModifyRoutineState(cacheKey+"_v2", func(runtime.Message) {}) // want `ModifyRoutineState with the constant key "cache_v2"`
	w.RoutineState(string(typedKey))                               // want `constant key "typed"`
	w.RoutineState("")                                             // want `constant key ""`
}

func viaLocal(w *runtime.WorkerState) {
	key := "cache"
	w.RoutineState(key) // want `constant key "cache"`
	k2 := cacheKey
	func() {
		w.UpdateRoutineState(k2, nil) // want `UpdateRoutineState with the constant key "cache"`
	}()
}

func methodValues(w *runtime.WorkerState) {
	get := w.RoutineState
	get("cache") // want `RoutineState with the constant key "cache"`
	update := (*runtime.WorkerState).UpdateRoutineState
	update(w, "stats", nil) // want `UpdateRoutineState with the constant key "stats"`
}

func stateOf(w *runtime.WorkerState, key string) runtime.Message {
	return w.RoutineState(key)
}

func viaHelper(w *runtime.WorkerState) runtime.Message {
	return stateOf(w, "cache") // want `the constant key "cache" passed to stateOf becomes the key of RoutineState`
}

func outer(w *runtime.WorkerState, key string) runtime.Message {
	return stateOf(w, key)
}

func viaTwoHelpers(w *runtime.WorkerState) runtime.Message {
	return outer(w, cacheKey) // want `the constant key "cache" passed to outer becomes the key of RoutineState`
}

func inClosure(w *runtime.WorkerState) func() runtime.Message {
	return func() runtime.Message {
		return w.RoutineState("closure") // want `constant key "closure"`
	}
}

func constantOnEveryPath(w *runtime.WorkerState, fast bool) {
	key := "slow"
	if fast {
		key = "fast"
	}
	w.RoutineState(key) // want `RoutineState with a constant key \("fast" or "slow"\)`
}

func shadowedKey(w *runtime.WorkerState, ec *runtime.ExecContext) {
	key := "cache"
	{
		key := ec.RoutineID
		w.RoutineState(key)
	}
	w.RoutineState(key) // want `constant key "cache"`
}

func inLoop(w *runtime.WorkerState, ids []string) {
	key := "first"
	for range ids {
		w.RoutineState(key) // want `a constant key \("first" or "next"\)`
		key = "next"
	}
}

// Function literals as helpers: named as the source does, not by SSA's
// names (f$1).
func literalHelpers(w *runtime.WorkerState) {
	get := func(id string) runtime.Message { return w.RoutineState(id) }
	_ = get("cache")                                            // want `workerkey: the constant key "cache" passed to get becomes the key of RoutineState`
	func(id string) { w.UpdateRoutineState(id, nil) }("direct") // want `workerkey: the constant key "direct" passed to a function literal becomes the key of UpdateRoutineState`
}

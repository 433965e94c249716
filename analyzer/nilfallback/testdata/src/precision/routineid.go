package precision

import (
	"context"
	"errors"
	"fmt"

	"github.com/routigen/routigen/runtime"
)

var errNoRoutine = errors.New("precision: no routine")

func defaultThenOverride(ctx context.Context) (string, error) {
	ec, err := runtime.RequireExec(ctx) // want `nilfallback: runtime.RequireExec (falls back|silently skips the work) when its RoutineID is empty`
	if err != nil {
		return "", err
	}
	key := "default"
	if ec.RoutineID != "" {
		key = ec.RoutineID
	}
	return key, nil
}

func standaloneEmpty(ctx context.Context) int {
	ec, ok := runtime.ExecFromContext(ctx) // want `nilfallback: runtime.ExecFromContext falls back when its RoutineID is empty`
	if !ok {
		panic("precision: no routine")
	}
	if ec.RoutineID == "" {
		return 0
	}
	return len(ec.RoutineID)
}

// An empty ID on its own, with no other test: the missing case.
func onlyEmptyTest(ctx context.Context) string {
	ec, _ := runtime.ExecFromContext(ctx) // want `nilfallback: runtime.ExecFromContext falls back when the routine activation is missing`
	if ec.RoutineID == "" {
		return "shared"
	}
	return ec.RoutineID
}

func emptyFails(ctx context.Context) (string, error) {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return "", err
	}
	if ec.RoutineID == "" {
		return "", fmt.Errorf("precision: %w", errNoRoutine)
	}
	return ec.RoutineID, nil
}

func combinedFails(ctx context.Context) (string, error) {
	ec, _ := runtime.ExecFromContext(ctx)
	if ec == nil || ec.RoutineID == "" {
		return "", errNoRoutine
	}
	return ec.RoutineID, nil
}

func emptyPanics(ctx context.Context) string {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		panic(err)
	}
	if len(ec.RoutineID) == 0 {
		panic("precision: empty routine id")
	}
	return ec.RoutineID
}

// A RoutineID compared with a name is not a missing-case test.
func named(ctx context.Context) (bool, error) {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return false, err
	}
	if ec.RoutineID == "controller" {
		return true, nil
	}
	return false, nil
}

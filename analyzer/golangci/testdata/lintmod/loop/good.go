package loop

import (
	"context"

	"github.com/routigen/routigen/runtime"
)

func good(ctx context.Context, in runtime.Input) error {
	st, err := LoopStateOf(ctx)
	if err != nil {
		return err
	}
	st.Update(func(s *LoopState) { s.Iteration += len(in.Slot("in")) })
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	_ = ec.Worker.RoutineState(ec.RoutineID)
	seen, err := SeenOf(ctx)
	if err != nil {
		return err
	}
	seen.Update(func(s *Seen) { s.N++ })
	return nil
}

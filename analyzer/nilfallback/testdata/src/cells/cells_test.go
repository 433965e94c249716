package cells

import (
	"context"
	"errors"
	"testing"

	"github.com/routigen/routigen/runtime"
)

func mustCell(tb testing.TB, ctx context.Context) *runtime.Cell[int] {
	tb.Helper()
	c, err := runtime.JobCell[int](ctx, "n", runtime.PerRoutine)
	if err != nil {
		tb.Fatalf("no cell: %v", err)
	}
	return c
}

func TestWorkerCell(t *testing.T) {
	c, err := runtime.WorkerCell[tally](context.Background(), "t", runtime.PerRoutine, codec)
	if err != nil {
		t.Skipf("no worker: %v", err)
	}
	c.Update(func(s *tally) { s.N++ })
}

func TestTable(t *testing.T) {
	for _, tc := range []struct {
		ctx     context.Context
		sharing runtime.Sharing
		wantErr bool
		want    error
	}{
		{context.Background(), runtime.PerFlow, true, runtime.ErrNoJob},
		{context.Background(), runtime.PerRoutine, true, runtime.ErrNoJob},
	} {
		_, err := runtime.JobCell[int](tc.ctx, "n", tc.sharing)
		if (err != nil) != tc.wantErr {
			t.Errorf("err = %v, want an error: %v", err, tc.wantErr)
		}
		_, err = runtime.WorkerCell[tally](tc.ctx, "t", tc.sharing)
		if !errors.Is(err, tc.want) {
			t.Errorf("err = %v, want %v", err, tc.want)
		}
	}
}

func TestLenient(t *testing.T) {
	c, err := runtime.JobCell[int](context.Background(), "n", runtime.PerFlow) // want `runtime.JobCell falls back`
	if err != nil {
		t.Log("no job")
		return
	}
	c.Update(func(n *int) { *n++ })
}

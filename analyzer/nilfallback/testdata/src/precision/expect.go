package precision

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/routigen/routigen/runtime"

	"states"
)

// A lookup's outcome compared with an expected one, as table-driven tests
// do: the test decides with it, and fails when it differs.
func tableErr(t *testing.T, cases []struct {
	ctx     context.Context
	wantErr bool
}) {
	for _, tc := range cases {
		_, err := states.LoopStateOf(tc.ctx)
		if (err != nil) != tc.wantErr {
			t.Errorf("err = %v, want an error: %v", err, tc.wantErr)
		}
	}
}

func tableOK(t *testing.T, ctx context.Context, wantOK bool) {
	_, ok := runtime.JobFromContext(ctx)
	if ok != wantOK {
		t.Errorf("ok = %v", ok)
	}
}

func tableGotWant(t *testing.T, ctx context.Context, want bool) {
	if _, err := runtime.RequireExec(ctx); func() bool { return want }() == (err == nil) {
		return
	}
	t.Error("unexpected outcome")
}

func tableIs(t *testing.T, ctx context.Context, want error) {
	_, err := runtime.RequireJob(ctx)
	if !errors.Is(err, want) {
		t.Errorf("err = %v, want %v", err, want)
	}
}

// errors.Is with a sentinel other than runtime.ErrNoJob and ErrNoRoutine
// is false for a lookup's error, missing or present: the missing case goes
// on to the test that returns it.
func canceledIsFine(ctx context.Context) error {
	l, err := states.LoopStateOf(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	if err != nil {
		return err
	}
	l.SetIteration(1)
	return nil
}

func exceptEOF(ctx context.Context) error {
	l, err := states.LoopStateOf(ctx)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	l.SetIteration(2)
	return nil
}

// The same shapes that do fall back are still reported.
func canceledThenNil(ctx context.Context) error {
	l, err := states.LoopStateOf(ctx) // want `nilfallback: states.LoopStateOf falls back`
	if errors.Is(err, context.Canceled) || err != nil {
		return nil
	}
	l.SetIteration(3)
	return nil
}

func okComparedWithConstant(ctx context.Context) error {
	job, ok := runtime.JobFromContext(ctx) // want `nilfallback: runtime.JobFromContext falls back`
	if ok == false {
		return nil
	}
	job.Trace("r", "a", nil)
	return nil
}

package runtime_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/routigen/routigen/runtime"
)

// TestMain fails the package when any test leaves a goroutine behind: every
// test closes its runtime, and Close must leave nothing running.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newRuntime returns a runtime closed when the test ends.
func newRuntime(t testing.TB, opts ...runtime.Option) *runtime.Runtime {
	t.Helper()
	r := runtime.New(opts...)
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

func mustRegister(t testing.TB, r *runtime.Runtime, f *runtime.Flow) {
	t.Helper()
	if err := r.Register(f); err != nil {
		t.Fatalf("Register: %v", err)
	}
}

func mustAdd(t testing.TB, f *runtime.Flow, id string, rt *runtime.Routine) {
	t.Helper()
	if err := f.Add(id, rt); err != nil {
		t.Fatalf("Add(%q): %v", id, err)
	}
}

func mustConnect(t testing.TB, f *runtime.Flow, from, ev, to, slot string) {
	t.Helper()
	if err := f.Connect(from, ev, to, slot); err != nil {
		t.Fatalf("Connect(%s.%s -> %s.%s): %v", from, ev, to, slot, err)
	}
}

func mustPost(t testing.TB, r *runtime.Runtime, flow, routine, slot string, data runtime.Message, opts ...runtime.PostOption) *runtime.JobContext {
	t.Helper()
	job, err := r.Post(context.Background(), flow, routine, slot, data, opts...)
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	return job
}

// waitJob waits for job with a generous bound so a hang fails the test
// instead of the whole run.
func waitJob(t testing.TB, job *runtime.JobContext) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := job.Wait(ctx)
	if ctx.Err() != nil {
		t.Fatalf("job %s did not finish: status %v", job.ID(), job.Status())
	}
	return err
}

func waitAll(t testing.TB, r *runtime.Runtime) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := r.Wait(ctx); err != nil {
		t.Fatalf("Wait: %v", err)
	}
}

// recorder collects values from concurrent logic.
type recorder[T any] struct {
	mu   sync.Mutex
	vals []T
}

func (r *recorder[T]) add(v T) {
	r.mu.Lock()
	r.vals = append(r.vals, v)
	r.mu.Unlock()
}

func (r *recorder[T]) get() []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]T(nil), r.vals...)
}

// forward is logic that emits every consumed message of slot "in" on "out".
func forward(ctx context.Context, in runtime.Input) error {
	for _, m := range in.Slot("in") {
		if err := runtime.Emit(ctx, "out", m); err != nil {
			return err
		}
	}
	return nil
}

func nop(context.Context, runtime.Input) error { return nil }

package runtime_test

import (
	"context"
	"errors"
	"log/slog"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/routigen/routigen/runtime"
)

// panicky is the loop Backend with one method that panics.
type panicky struct {
	*loopNode
	method string
}

func (p *panicky) boom(m string) {
	if p.method == m {
		panic("backend bug in " + m)
	}
}

func (p *panicky) Open(n *runtime.Node) { p.loopNode.Open(n); p.boom("Open") }
func (p *panicky) Serve(ctx context.Context, flowID, workerID string) error {
	p.boom("Serve")
	return p.loopNode.Serve(ctx, flowID, workerID)
}
func (p *panicky) Submit(ctx context.Context, spec *runtime.JobSpec) error {
	p.boom("Submit")
	return p.loopNode.Submit(ctx, spec)
}
func (p *panicky) Watch(jobID string, report func(runtime.Outcome)) func() {
	p.boom("Watch")
	stop := p.loopNode.Watch(jobID, report)
	return func() { stop(); p.boom("Watch stop") }
}
func (p *panicky) Lookup(ctx context.Context, jobID string) (*runtime.JobSpec, *runtime.Outcome, error) {
	p.boom("Lookup")
	return p.loopNode.Lookup(ctx, jobID)
}
func (p *panicky) Cancel(ctx context.Context, spec *runtime.JobSpec, cause error) error {
	p.boom("Cancel")
	return p.loopNode.Cancel(ctx, spec, cause)
}
func (p *panicky) Close(ctx context.Context) error {
	p.boom("Close")
	return p.loopNode.Close(ctx)
}

func wantBackendPanic(t *testing.T, what string, err error, method string) {
	t.Helper()
	var pe *runtime.PanicError
	if !errors.As(err, &pe) || pe.Func != "Backend."+method {
		t.Errorf("%s: %v, want an error wrapping the *PanicError of Backend.%s", what, err, method)
	}
}

// A Backend method that panics is the error of the call that called it
// (Register, Post, Lookup), or is logged when nobody gets an error
// (Close, Cancel, a Watch's stop): never a crash, and never a runtime left
// half-done. Post tracks no job Wait would wait for, Shutdown still stops
// the pool (goleak checks), and a second Close returns.
func TestBackendPanics(t *testing.T) {
	for _, method := range []string{"Open", "Serve", "Submit", "Watch", "Watch stop", "Lookup", "Cancel", "Close"} {
		t.Run(method, func(t *testing.T) {
			var logs syncBuffer
			r := runtime.New(runtime.WithBackend(&panicky{newLoop().backend(), method}),
				runtime.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			release := make(chan struct{})
			f := runtime.NewFlow("f")
			mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(func(context.Context, runtime.Input) error {
				<-release
				return nil
			}))
			err := r.Register(f)
			switch method {
			case "Open", "Serve":
				wantBackendPanic(t, "Register", err, method)
				closeWithin(t, r, 5*time.Second)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			job, err := r.Post(ctx, "f", "a", "in", runtime.Message{})
			switch method {
			case "Submit", "Watch":
				wantBackendPanic(t, "Post", err, method)
				close(release)
				if err := r.Wait(ctx); err != nil {
					t.Errorf("Wait after a Post whose %s panicked: %v", method, err)
				}
				closeWithin(t, r, 5*time.Second)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if method == "Cancel" {
				job.Cancel(nil)
			}
			close(release)
			if err := job.Wait(ctx); err != nil {
				t.Fatalf("job: %v", err)
			}
			if method == "Lookup" {
				_, err := r.Lookup(ctx, "elsewhere")
				wantBackendPanic(t, "Lookup", err, method)
			}
			closeWithin(t, r, 5*time.Second)
			closeWithin(t, r, 5*time.Second)
			if strings.Contains("Cancel Close Watch stop", method) && !strings.Contains(logs.String(), "Backend."+method+" panicked") {
				t.Errorf("the panic of %s was not logged; log:\n%s", method, logs.String())
			}
		})
	}
}

// The done func a Backend hands Node.Run is the Backend's code: its panic
// is logged, not a crash of the pool goroutine, and the node runs on.
func TestBackendDonePanics(t *testing.T) {
	var logs syncBuffer
	b := newLoop().backend()
	r := runtime.New(runtime.WithBackend(b), runtime.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	mustRegister(t, r, f)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	job, err := b.node.Run(&runtime.JobSpec{ID: "d", FlowID: "f", WorkerID: runtime.DefaultWorkerID("f"), RoutineID: "a", Slot: "in"}, 1,
		func(*runtime.JobContext, bool) { panic("done bug") })
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	next, err := r.Post(ctx, "f", "a", "in", runtime.Message{})
	if err != nil {
		t.Fatal(err)
	}
	if err := next.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	closeWithin(t, r, 5*time.Second)
	if !strings.Contains(logs.String(), "Node.Run done panicked") {
		t.Errorf("done's panic was not logged; log:\n%s", logs.String())
	}
}

// opaqueCtx is a context.Context of its own type, as frameworks make them,
// that package context cannot see through: waiting for its end takes a
// goroutine.
type opaqueCtx struct{ done chan struct{} }

func (c opaqueCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c opaqueCtx) Done() <-chan struct{}       { return c.done }
func (c opaqueCtx) Err() error {
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}
func (c opaqueCtx) Value(any) any { return nil }

// A worker Exec starts, with a context that outlives the runtime, leaves
// no goroutine behind once Close returns: under a Backend, serving it
// watched the context's end for ever.
func TestExecContextOutlivesTheRuntime(t *testing.T) {
	t.Run("in memory", func(t *testing.T) { testExecContextOutlives(t) })
	t.Run("backend", func(t *testing.T) { testExecContextOutlives(t, runtime.WithBackend(newLoop().backend())) })
}

func testExecContextOutlives(t *testing.T, opts ...runtime.Option) {
	before := goleak.IgnoreCurrent()
	ctx := opaqueCtx{done: make(chan struct{})}
	defer close(ctx.done)
	r := runtime.New(opts...)
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	mustRegister(t, r, f)
	if _, err := r.Exec(ctx, "f"); err != nil {
		t.Fatal(err)
	}
	closeWithin(t, r, 5*time.Second)
	goleak.VerifyNone(t, before)
}

// goexitClose is the loop Backend whose Close calls runtime.Goexit, as a
// fake Backend's t.Fatal does.
type goexitClose struct{ *loopNode }

func (goexitClose) Close(context.Context) error {
	goruntime.Goexit()
	return nil
}

// A Backend's Close that calls runtime.Goexit ends the goroutine calling
// the runtime's Close; the pool still stops and a second Close returns.
func TestGoexitInBackendClose(t *testing.T) {
	before := goleak.IgnoreCurrent()
	r := runtime.New(runtime.WithBackend(goexitClose{newLoop().backend()}))
	f := runtime.NewFlow("f")
	mustAdd(t, f, "a", runtime.NewRoutine("a").Slot("in").Logic(nop))
	mustRegister(t, r, f)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	job, err := r.Post(ctx, "f", "a", "in", runtime.Message{})
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		r.Close()
	}()
	<-exited
	closeWithin(t, r, 5*time.Second)
	goleak.VerifyNone(t, before)
}

package jetstream

import (
	"bytes"

	goruntime "runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// Closing a node leaves no goroutine of this package or of the runtime
// behind (the server's and the NATS client's own are theirs to end).
func TestCloseLeavesNoGoroutine(t *testing.T) {
	s := testServer(t)
	nc, err := s.Conn()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	b, err := NewBackend(nc, Prefix(newPrefix()), AckWait(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rt := runtime.New(runtime.WithBackend(b))
	var runs atomic.Int64
	register(t, rt, countFlow(t, &runs, nil))
	ctx := timeout(t, 10*time.Second)
	for range 20 {
		job, err := rt.Post(ctx, "count", "count", "in", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := job.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	var left []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		left = ours()
		if len(left) == 0 {
			return
		}
	}
	t.Errorf("%d goroutines left after Close:\n%s", len(left), strings.Join(left, "\n\n"))
}

// ours lists the goroutines running code of this module or the runtime
// (not the tests').
func ours() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:goruntime.Stack(buf, true)]
	var out []string
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		s := string(g)
		if strings.Contains(s, "routigen/routigen/runtime.") && !strings.Contains(s, "_test.go") ||
			strings.Contains(s, "routigen/routigen/jetstream.") && !strings.Contains(s, "_test.go") {
			out = append(out, s)
		}
	}
	return out
}

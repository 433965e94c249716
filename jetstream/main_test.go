package jetstream

import (
	"fmt"
	"os"
	"runtime/pprof"
	"sync/atomic"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// testServer starts an embedded server on a fresh store for t.
func testServer(t testing.TB) *Server {
	t.Helper()
	s, err := StartServer(ServerConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	return s
}

var prefixes atomic.Int64

// testNode makes a runtime over a backend on s, under prefix, closed when
// t ends.
func testNode(t testing.TB, s *Server, prefix string, opts ...runtime.Option) (*runtime.Runtime, *Backend) {
	t.Helper()
	nc, err := s.Conn()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	b, err := NewBackend(nc, Prefix(prefix), AckWait(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	rt := runtime.New(append([]runtime.Option{runtime.WithBackend(b)}, opts...)...)
	t.Cleanup(func() {
		done := make(chan struct{})
		go func() { rt.Close(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
			t.Error("Close did not return within 10s (goroutines above)")
		}
	})
	return rt, b
}

func newPrefix() string { return fmt.Sprint("t", prefixes.Add(1)) }

package runtime_test

import (
	"context"
	"testing"

	"github.com/routigen/routigen/runtime"
)

// The runtime's own tests probe the lookups freely: not checked.
func TestProbe(t *testing.T) {
	ec, _ := runtime.ExecFromContext(context.Background())
	t.Log(ec)
}

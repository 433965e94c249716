package jetstream

import (
	"testing"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

// The runtime's flow behaviours, over one embedded server: the same suite
// the in-memory runtime passes.
func TestConformance(t *testing.T) {
	runtimetest.RegisterConformanceTypes(RegisterTypeOf)
	s := testServer(t)
	runtimetest.Conformance(t, func(t *testing.T) *runtime.Runtime {
		rt, _ := testNode(t, s, newPrefix())
		return rt
	})
}

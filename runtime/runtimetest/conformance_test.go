package runtimetest_test

import (
	"testing"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

// The in-memory runtime is the reference the conformance suite describes.
func TestConformanceInMemory(t *testing.T) {
	runtimetest.Conformance(t, func(t *testing.T) *runtime.Runtime {
		rt := runtime.New()
		t.Cleanup(func() { rt.Close() })
		return rt
	})
}

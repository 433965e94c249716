// Package runtimetest is a stub; as part of the runtime it is not checked.
package runtimetest

import (
	"context"

	"github.com/routigen/routigen/runtime"
)

// Job falls back, which is fine here.
func Job(ctx context.Context) *runtime.JobContext {
	if job, ok := runtime.JobFromContext(ctx); ok {
		return job
	}
	return &runtime.JobContext{}
}

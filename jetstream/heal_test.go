package jetstream

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// A stream or bucket deleted under running nodes (by an operator, or a
// server that lost its store) is made again: the node serves on, its next
// jobs complete once each, rather than the node consuming nothing, or
// running a job again and again with nowhere to record it.
func TestDeletedUnderneath(t *testing.T) {
	for _, gone := range []string{"_JOBS", "_records", "_state", "consumer"} {
		t.Run(strings.TrimPrefix(gone, "_"), func(t *testing.T) {
			s := testServer(t)
			p := newPrefix()
			rt, b := testNode(t, s, p)
			var runs atomic.Int64
			register(t, rt, blobFlow(t, blobCodec, 2))
			register(t, rt, resultFlow(t, &runs, func() any { return 1 }))
			ctx := timeout(t, 20*time.Second)
			post := func(flow, routine string) error {
				t.Helper()
				var job *runtime.JobContext
				var err error
				for { // a Post may fail while the stream is gone
					if job, err = rt.Post(ctx, flow, routine, "in", nil); err == nil || ctx.Err() != nil {
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				if err != nil {
					return err
				}
				return job.Wait(ctx)
			}
			for _, f := range []string{"blob", "res"} {
				if err := post(f, "r"); err != nil {
					t.Fatal(err)
				}
			}
			var err error
			if gone == "consumer" {
				err = b.stream.DeleteConsumer(ctx, consumerName(runtime.DefaultWorkerID("blob")))
			} else {
				err = b.js.DeleteStream(ctx, map[string]string{"_JOBS": p + "_JOBS", "_records": "KV_" + p + "_records", "_state": "KV_" + p + "_state"}[gone])
			}
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(1500 * time.Millisecond) // past AckWait: the worker's state is read again
			for _, f := range []string{"blob", "res"} {
				if err := post(f, "r"); err != nil {
					t.Fatalf("%s job after %s was deleted: %v", f, gone, err)
				}
			}
			if runs.Load() != 2 {
				t.Errorf("%d runs of 2 jobs", runs.Load())
			}
			if err := rt.Wait(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

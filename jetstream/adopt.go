package jetstream

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/routigen/routigen/runtime"
)

// Adopting: a worker Exec started is served by its node alone, so when
// that node dies nothing would take its jobs. Every node looks, every
// AckWait, for the consumers of workers of the flows it serves that have
// jobs and nobody pulling them (no pull request waits: their node is gone,
// or stopped pulling for longer than its requests live), and serves them
// too; the pinned-client policy then hands the worker to one of them, and
// the new owner loads its state, as for a flow's default worker. A worker
// whose Exec ended (marked stopped) is not adopted.

func (b *Backend) adoptLoop() {
	defer b.bg.Done()
	t := time.NewTicker(b.cfg.ackWait)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
		}
		if b.nc.IsConnected() {
			b.adopt()
		}
	}
}

// adopt serves the orphaned workers of the flows this node serves.
func (b *Backend) adopt() {
	flows := map[string]bool{}
	b.mu.Lock()
	for _, w := range b.workers {
		if w.id == runtime.DefaultWorkerID(w.flow) {
			flows[w.flow] = true // registered here (not post-only)
		}
	}
	b.mu.Unlock()
	if len(flows) == 0 {
		return
	}
	ctx, cancel := b.call(b.bgCtx)
	defer cancel()
	var orphans []*jetstream.ConsumerInfo
	l := b.stream.ListConsumers(ctx)
	for info := range l.Info() {
		m := info.Config.Metadata
		if flows[m[flowKey]] && m[workerKey] != "" && m[stoppedKey] == "" &&
			info.NumWaiting == 0 && info.NumPending+uint64(info.NumAckPending) > 0 {
			orphans = append(orphans, info)
		}
	}
	for _, info := range orphans {
		m := info.Config.Metadata
		b.mu.Lock()
		_, served := b.workers[m[workerKey]]
		b.mu.Unlock()
		if !served {
			// Until the node closes: bgCtx ends then.
			_ = b.Serve(b.bgCtx, m[flowKey], m[workerKey])
		}
	}
}

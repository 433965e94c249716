package jetstream

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/routigen/routigen/runtime"
)

// envCluster enables the three-server test: it takes tens of seconds, so
// .ci/run sets it once.
const envCluster = "ROUTIGEN_JS_CLUSTER"

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestClusterLeaderKill runs three server processes with Replicas(3),
// posts jobs before and after SIGKILLing the server that leads the jobs
// stream, and checks that every acknowledged post completes, that no
// acknowledged worker-state write is lost, and that processing resumes
// within 15 seconds.
func TestClusterLeaderKill(t *testing.T) {
	if os.Getenv(envCluster) == "" {
		t.Skip("set " + envCluster + "=1 to run the three-server test")
	}
	var client, cluster [3]int
	for i := range 3 {
		client[i], cluster[i] = freePort(t), freePort(t)
	}
	servers := map[string]*proc{}
	var urls []string
	for i := range 3 {
		var routes []string
		for j := range 3 {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", cluster[j]))
			}
		}
		name := fmt.Sprint("s", i+1)
		cfg := strings.Join(append([]string{name, t.TempDir(), fmt.Sprint(client[i]), fmt.Sprint(cluster[i])}, routes...), ",")
		servers[name] = startProc(t, envRole+"=server", envServer+"="+cfg)
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", client[i]))
	}
	nc, err := nats.Connect(strings.Join(urls, ","), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ctx := timeout(t, 3*time.Minute)
	var b *Backend
	for b == nil { // the cluster elects its meta leader first
		b, err = NewBackend(nc, Prefix("r3"), Replicas(3), AckWait(time.Second), CallTimeout(2*time.Second))
		if err != nil {
			if ctx.Err() != nil {
				t.Fatal(err)
			}
			time.Sleep(250 * time.Millisecond)
		}
	}
	// A node asking fewer replicas is refused and changes nothing.
	if _, err := NewBackend(nc, Prefix("r3"), AckWait(time.Second)); err == nil || !strings.Contains(err.Error(), "3 replicas") {
		t.Errorf("a node with Replicas(1) joining the R3 streams: %v, want refused", err)
	}
	if info, err := b.stream.Info(ctx); err != nil || info.Config.Replicas != 3 {
		t.Fatalf("jobs stream after the refused node: %v, %v", info, err)
	}
	rt := runtime.New(runtime.WithBackend(b))
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = rt.Shutdown(sctx)
	}()
	if err := rt.Register(faultFlow("")); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var acked []*runtime.JobContext
	var failed int
	var lastErr error
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			job, err := rt.Post(pctx, "fault", "work", "in", runtime.Message{"sleep_ms": 0})
			cancel()
			if err != nil {
				mu.Lock()
				failed++
				lastErr = err
				mu.Unlock()
				continue // not acknowledged: the poster would retry
			}
			mu.Lock()
			acked = append(acked, job)
			mu.Unlock()
			time.Sleep(2 * time.Millisecond)
		}
	})
	time.Sleep(2 * time.Second)
	info, err := b.stream.Info(ctx)
	if err != nil || info.Cluster == nil || info.Cluster.Leader == "" {
		t.Fatalf("jobs stream leader: %v %+v", err, info)
	}
	leader := info.Cluster.Leader
	servers[leader].kill()
	killed := time.Now()
	t.Logf("killed %s, the leader of the jobs stream", leader)
	// Post on until a job posted after the kill has completed (or 30s).
	for resumed := false; !resumed && time.Since(killed) < 30*time.Second; {
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		for _, j := range acked {
			if j.CreatedAt().After(killed) && j.Status() == runtime.JobCompleted {
				resumed = true
				break
			}
		}
		mu.Unlock()
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()

	mu.Lock()
	jobs := acked
	t.Logf("%d posts failed during the fail-over (last: %v)", failed, lastErr)
	mu.Unlock()
	outs := waitAll(ctx, t, jobs)
	checkCounts(t, outs)
	first := time.Time{}
	for _, j := range jobs {
		if at := j.CompletedAt(); at.After(killed) && (first.IsZero() || at.Before(first)) {
			first = at
		}
	}
	if first.IsZero() {
		t.Fatal("no job completed after the kill")
	}
	t.Logf("%d acknowledged posts, all completed; first completion %v after the kill", len(jobs), first.Sub(killed))
	if d := first.Sub(killed); d > 15*time.Second {
		t.Errorf("processing resumed %v after the kill, want within 15s", d)
	}
}

// Command failover runs a small routigen cluster on one machine and kills a
// node under load: an embedded NATS server with JetStream, two worker nodes
// (this program again, as child processes) and a post-only front end that
// posts jobs and waits for them. Once some jobs are done, the node running
// them is killed with SIGKILL; the other node takes the worker over, with
// its state, and every job completes. It exits 1 if any job does not.
//
//	cd jetstream && go run ./examples/failover
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/routigen/routigen/jetstream"
	"github.com/routigen/routigen/runtime"
)

const jobs = 300

func main() {
	if len(os.Args) == 4 && os.Args[1] == "-node" {
		if err := node(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "node:", err)
			os.Exit(2)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "failover:", err)
		os.Exit(1)
	}
}

// orders is the flow every node registers: check, price, total. The last
// routine counts the worker's orders in worker state, which moves with the
// worker from node to node.
func orders() (*runtime.Flow, error) {
	check := runtime.NewRoutine("check").Slot("in").Event("ok").Logic(func(ctx context.Context, in runtime.Input) error {
		o := in.Slot("in")[0]
		if o["qty"].(int) <= 0 {
			return errors.New("no quantity")
		}
		return runtime.Emit(ctx, "ok", o)
	})
	price := runtime.NewRoutine("price").Slot("in").Event("priced").Logic(func(ctx context.Context, in runtime.Input) error {
		o := in.Slot("in")[0]
		time.Sleep(5 * time.Millisecond) // a call to a pricing service
		return runtime.Emit(ctx, "priced", runtime.Message{"qty": o["qty"], "cents": o["qty"].(int) * 250})
	})
	total := runtime.NewRoutine("total").Slot("in").Logic(func(ctx context.Context, in runtime.Input) error {
		ec, err := runtime.RequireExec(ctx)
		if err != nil {
			return err
		}
		var n int
		ec.Worker.ModifyRoutineState(ec.RoutineID, func(s runtime.Message) {
			n, _ = s["orders"].(int)
			n++
			s["orders"] = n
		})
		host, _ := os.Hostname()
		ec.Job.SetResult(runtime.Message{"cents": in.Slot("in")[0]["cents"], "node": os.Getenv("FAILOVER_NODE") + "@" + host,
			"attempt": ec.Attempt, "orders": n})
		return nil
	})
	f := runtime.NewFlow("orders")
	for _, err := range []error{f.Add("check", check), f.Add("price", price), f.Add("total", total),
		f.Connect("check", "ok", "price", "in"), f.Connect("price", "priced", "total", "in")} {
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}

// node is a worker node: it serves the orders flow until it is killed or
// told to stop.
func node(url, id string) error {
	os.Setenv("FAILOVER_NODE", id)
	nc, err := nats.Connect(url)
	if err != nil {
		return err
	}
	defer nc.Close()
	b, err := jetstream.NewBackend(nc, jetstream.AckWait(time.Second))
	if err != nil {
		return err
	}
	rt := runtime.New(runtime.WithBackend(b), runtime.WithNodeID(id))
	f, err := orders()
	if err != nil {
		return err
	}
	if err := rt.Register(f); err != nil {
		return err
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	<-stop
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return rt.Shutdown(ctx) // unfinished jobs go back to the other node
}

func run() error {
	dir, err := os.MkdirTemp("", "failover")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := jetstream.StartServer(jetstream.ServerConfig{StoreDir: dir, Port: -1})
	if err != nil {
		return err
	}
	defer srv.Shutdown()
	fmt.Println("embedded NATS server at", srv.ClientURL())

	nodes := map[string]*exec.Cmd{}
	for _, id := range []string{"node-1", "node-2"} {
		cmd := exec.Command(os.Args[0], "-node", srv.ClientURL(), id)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			return err
		}
		nodes[id] = cmd
		defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	}

	nc, err := srv.Conn()
	if err != nil {
		return err
	}
	defer nc.Close()
	b, err := jetstream.NewBackend(nc, jetstream.AckWait(time.Second))
	if err != nil {
		return err
	}
	front := runtime.New(runtime.WithBackend(b), runtime.PostOnly(), runtime.WithNodeID("front"))
	defer front.Close()
	f, err := orders()
	if err != nil {
		return err
	}
	if err := front.Register(f); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	posted := make([]*runtime.JobContext, 0, jobs)
	for i := range jobs {
		job, err := front.Post(ctx, "orders", "check", "in", runtime.Message{"qty": 1 + i%5})
		if err != nil {
			return err
		}
		posted = append(posted, job)
	}
	fmt.Printf("posted %d jobs\n", jobs)

	victim, err := busyNode(ctx, posted)
	if err != nil {
		return err
	}
	if err := nodes[victim].Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	killed := time.Now()
	fmt.Printf("killed %s (SIGKILL)\n", victim)
	return report(ctx, posted, killed)
}

// busyNode waits until a tenth of the jobs are done and returns the node
// that ran the last of them: it owns the flow's worker.
func busyNode(ctx context.Context, posted []*runtime.JobContext) (string, error) {
	for {
		done, last := 0, ""
		for _, job := range posted {
			if job.Status().Finished() {
				done, last = done+1, nodeOf(job)
			}
		}
		if done >= jobs/10 && last != "" {
			return last, nil
		}
		select {
		case <-ctx.Done():
			return "", errors.New("too few jobs finished within 60s")
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// report waits for every job and prints which node ran how many, and how
// many were delivered again after the kill.
func report(ctx context.Context, posted []*runtime.JobContext, killed time.Time) error {
	byNode, twice, maxOrders := map[string]int{}, 0, 0
	for _, job := range posted {
		if err := job.Wait(ctx); err != nil {
			return fmt.Errorf("job %s: %w", job.ID(), err)
		}
		r := job.Result().(runtime.Message)
		byNode[nodeOf(job)]++
		if r["attempt"].(int) > 1 {
			twice++
		}
		maxOrders = max(maxOrders, r["orders"].(int))
	}
	fmt.Printf("all %d jobs completed, the last %v after the kill\n", jobs, time.Since(killed).Round(10*time.Millisecond))
	for _, id := range []string{"node-1", "node-2"} {
		fmt.Printf("  %s ran %d\n", id, byNode[id])
	}
	fmt.Printf("  %d were delivered again after the kill (Attempt > 1); the worker's order count reached %d\n", twice, maxOrders)
	return nil
}

func nodeOf(job *runtime.JobContext) string {
	r, _ := job.Result().(runtime.Message)
	s, _ := r["node"].(string)
	for i := range len(s) {
		if s[i] == '@' {
			return s[:i]
		}
	}
	return s
}

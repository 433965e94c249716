// Command multiloop runs one flow that holds two instances of the same loop
// controller — loop_a with a limit of 3 and loop_b with a limit of 7 — for
// many concurrent jobs, and prints how far each controller counted in each
// job, summarised. It exits 1 if any job's counts are wrong.
//
// The controllers keep their iteration counts in job-scope state generated
// by routigen (see package loops), namespaced by routine id: the two
// controllers of a job, and the jobs running at the same time, never share a
// count. The same flow written the old way, with a flat
// job.SetData("loop_iteration", …) key, is in testdata/multiloop_flatkey:
// `routigen lint` flags it, and running it shows the two controllers
// counting on each other's key.
//
//	go run ./examples/multiloop
//	go run ./examples/multiloop -jobs 5000 -workers 8 -pool 16
//	go run ./testdata/multiloop_flatkey/cmd/flatkey   # the old way: exits 1
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/routigen/routigen/examples/multiloop/loops"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("multiloop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jobs := fs.Int("jobs", 500, "jobs to post at once")
	workers := fs.Int("workers", 4, "workers (Exec) to spread the jobs over")
	pool := fs.Int("pool", 8, "logic goroutines of the runtime")
	verbose := fs.Bool("v", false, "print every job's counts")
	timeout := fs.Duration("timeout", time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || *jobs <= 0 || *workers < 0 || *pool <= 0 {
		fmt.Fprintln(stderr, "multiloop: -jobs and -pool must be positive, -workers not negative; no arguments")
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	sum, err := loops.RunNew(ctx, loops.Controller, loops.Options{Jobs: *jobs, Workers: *workers, Pool: *pool})
	if err != nil {
		fmt.Fprintf(stderr, "multiloop: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "multiloop: two loop controllers in one flow, counting in routigen-generated job state namespaced by routine id")
	if *verbose {
		for _, r := range sum.Jobs {
			fmt.Fprintf(stdout, "  %v\n", r)
		}
	}
	sum.Write(stdout, 10)
	if err := sum.Err(); err != nil {
		fmt.Fprintf(stderr, "multiloop: FAILED: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "every job: loop_a counted %d, loop_b counted %d — right\n", loops.LimitA, loops.LimitB)
	return 0
}

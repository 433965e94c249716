// Command flatkey runs the multiloop flow with the old-way, flat-key loop
// controller of package flatkey and prints the same summary as
// examples/multiloop. The two controllers of each job count on the same
// job-data key, so the counts come out wrong and it exits 1.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/routigen/routigen/examples/multiloop/loops"
	flatkey "github.com/routigen/routigen/testdata/multiloop_flatkey"
)

func main() {
	jobs := flag.Int("jobs", 500, "jobs to post at once")
	workers := flag.Int("workers", 4, "workers (Exec) to spread the jobs over")
	flag.Parse()
	sum, err := loops.RunNew(context.Background(), flatkey.Controller, loops.Options{FlowID: "multiloop_flatkey", Jobs: *jobs, Workers: *workers, Pool: 8})
	if err != nil {
		fmt.Fprintf(os.Stderr, "flatkey: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(`multiloop, the old way: two loop controllers in one flow, counting on job.SetData("loop_iteration", …)`)
	sum.Write(os.Stdout, 5)
	if err := sum.Err(); err != nil {
		fmt.Fprintf(os.Stderr, "flatkey: the flat key collides: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("every job counted right (the collision did not show)")
}

// Command flatkey runs the multiloop flow with the old-way, flat-key loop
// controller of package flatkey and prints the same summary as
// examples/multiloop. The two controllers of each job count on the same
// job-data key, so the counts come out wrong and it exits 1.
//
//	go run ./testdata/multiloop_flatkey/cmd/flatkey
package main

import (
	"context"
	"os"

	flatkey "github.com/routigen/routigen/testdata/multiloop_flatkey"
)

func main() {
	os.Exit(flatkey.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

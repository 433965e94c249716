// Package bench measures the routigen runtime next to its peers — an
// errgroup pipeline, sourcegraph/conc streams and Watermill's GoChannel
// router — on the same three-stage job, in one run, for orientation. It is
// a module of its own so that the peers never become dependencies of
// routigen's users. Run it with
//
//	cd bench && go test -run '^$' -bench . -benchmem -cpu 1,2 -count 5
//
// Every benchmark posts b.N jobs through three stages that each read an int
// from a one-key map and make a new map (stageWork), and waits for all of
// them; the last stage sums, and the sum is checked, so no stage can be
// skipped. Watermill carries bytes, not maps: its handlers decode the int,
// do the same map work and encode the result.
package bench

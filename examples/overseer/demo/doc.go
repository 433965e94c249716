// Package demo is the overseer demo of routigen: twelve small routines and
// the flows that wire them, ported from the original demo app to the typed
// runtime and generated state.
//
// The routines are Echo, Delay, Printer, Countdown, Batch, Counter, Filter,
// Processor (a Go transform function), LoopController, Source, Transformer
// and Sink. Each records what it did in its job's trace log (see the Action
// constants), which is how the overseer command prints a run and how the
// tests check one.
//
// Their state is declared as plain structs annotated //routigen:state (see
// state.go) and reached through the accessors routigen generates into
// routigen_gen.go:
//
//   - LoopState (job scope): the loop controller's iteration count, one per
//     controller instance and job — the loop flow, which could not work in
//     the original, terminates with it;
//   - CountdownState, BatchState, SinkState (job scope): a countdown's
//     progress, batch numbers, what a sink stored for the job;
//   - CounterState (worker scope): a counter's running count, kept per
//     routine instance across the jobs of a worker.
//
// No routine falls back when its context is missing: every accessor and
// context lookup fails fast and the error fails the job.
//
// Scenarios lists the demo flows — simple pipeline, batch processing,
// countdown, loop, and a data pipeline with the remaining routines — with
// the jobs to post and the outcome to expect; RunAll runs them all.
package demo

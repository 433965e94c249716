package demo

import (
	"context"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/routigen/routigen/runtime"
)

// Trace actions the demo routines record in their job's trace log. Tests and
// the overseer command read the log back to check what each routine did.
const (
	ActionEchoed      = "echoed"
	ActionDelayed     = "delayed"
	ActionPrinted     = "printed"
	ActionBatched     = "batched"
	ActionStarted     = "started"
	ActionTicked      = "ticked"
	ActionCompleted   = "completed"
	ActionCounted     = "counted"
	ActionPassed      = "passed"
	ActionRejected    = "rejected"
	ActionProcessed   = "processed"
	ActionContinued   = "continue"
	ActionDone        = "done"
	ActionGenerated   = "generated"
	ActionTransformed = "transformed"
	ActionStored      = "stored"
)

// Loop controller reasons, as in the done event's "reason" field.
const (
	ReasonConditionMet  = "condition_met"
	ReasonMaxIterations = "max_iterations_reached"
)

// Defaults of the configurable routines.
const (
	DefaultBatchSize     = 3
	DefaultDelay         = 1000 * time.Millisecond
	DefaultMaxIterations = 5
	DefaultCount         = 3
	DefaultTicks         = 5
	DefaultTick          = time.Second
)

// record appends an entry for the running activation to its job's trace log.
// It fails fast outside an activation.
func record(ctx context.Context, action string, details runtime.Message) error {
	ec, err := runtime.RequireExec(ctx)
	if err != nil {
		return err
	}
	ec.Job.Trace(ec.RoutineID, action, details)
	return nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Echo emits every message it receives on its "trigger" or "input" slot as
// "output", unchanged. A message whose "items" field is a list is split: one
// output {"value": item, "index": i} per item, which is how one job feeds a
// stream of values into a flow.
func Echo() *runtime.Routine {
	return runtime.NewRoutine("echo").
		Slot("trigger").
		Slot("input").
		Event("output").
		Logic(func(ctx context.Context, in runtime.Input) error {
			msgs := slices.Concat(in.Slot("trigger"), in.Slot("input"))
			for _, msg := range msgs {
				if items, ok := listOf(msg["items"]); ok {
					for i, it := range items {
						if err := record(ctx, ActionEchoed, runtime.Message{"value": it, "index": i}); err != nil {
							return err
						}
						if err := runtime.Emit(ctx, "output", runtime.Message{"value": it, "index": i}); err != nil {
							return err
						}
					}
					continue
				}
				if err := record(ctx, ActionEchoed, msg); err != nil {
					return err
				}
				if err := runtime.Emit(ctx, "output", maps.Clone(msg)); err != nil {
					return err
				}
			}
			return nil
		})
}

// Delay re-emits each message of its "input" slot on "output" after d
// (DefaultDelay when d is zero), adding "delayed_ms".
func Delay(d time.Duration) *runtime.Routine {
	if d == 0 {
		d = DefaultDelay
	}
	return runtime.NewRoutine("delay").
		Slot("input").
		Event("output").
		Logic(func(ctx context.Context, in runtime.Input) error {
			for _, msg := range in.Slot("input") {
				start := time.Now()
				if err := sleep(ctx, d); err != nil {
					return err
				}
				out := maps.Clone(msg)
				out["delayed_ms"] = d.Milliseconds()
				if err := record(ctx, ActionDelayed, runtime.Message{"delayed_ms": d.Milliseconds(), "waited": time.Since(start).Round(time.Millisecond).String()}); err != nil {
					return err
				}
				if err := runtime.Emit(ctx, "output", out); err != nil {
					return err
				}
			}
			return nil
		})
}

// Printer prints every message of its "input" slot to w as one line,
// "<job id> <routine id>: key=value ...", keys sorted, and records it in
// the job's trace ("printed", {"line": ...}). w may be shared by concurrent
// jobs: lines are written whole.
func Printer(w io.Writer) *runtime.Routine {
	if w == nil {
		w = io.Discard
	}
	sw := lockedWriter(w)
	return runtime.NewRoutine("printer").
		Slot("input").
		Logic(func(ctx context.Context, in runtime.Input) error {
			ec, err := runtime.RequireExec(ctx)
			if err != nil {
				return err
			}
			for _, msg := range in.Slot("input") {
				line := FormatMessage(msg)
				if _, err := fmt.Fprintf(sw, "  %s %s: %s\n", ec.Job.ID(), ec.RoutineID, line); err != nil {
					return err
				}
				ec.Job.Trace(ec.RoutineID, ActionPrinted, runtime.Message{"line": line})
			}
			return nil
		})
}

// Countdown ticks a countdown for each message on its "start" slot: after
// every interval (DefaultTick when zero) it emits "tick" with "remaining"
// ticks, "elapsed" (a duration string) and "progress" (0..1), and after the
// last one "complete". The start message may set "ticks" (default ticks,
// DefaultTicks when zero). The routine schedules its next tick by emitting
// "next", which the flow connects back to its own "next" slot (see
// CountdownFlow): the countdown's progress lives in job-scope CountdownState.
func Countdown(ticks int, interval time.Duration) *runtime.Routine {
	if ticks <= 0 {
		ticks = DefaultTicks
	}
	if interval <= 0 {
		interval = DefaultTick
	}
	return runtime.NewRoutine("countdown").
		Slot("start").
		Slot("next").
		Event("tick", "remaining", "elapsed", "progress").
		Event("next").
		Event("complete", "total", "elapsed").
		Logic(func(ctx context.Context, in runtime.Input) error {
			st, err := CountdownStateOf(ctx)
			if err != nil {
				return err
			}
			for _, msg := range in.Slot("start") {
				n := ticks
				if v, ok := msg["ticks"]; ok {
					if n, err = toInt(v); err != nil || n <= 0 {
						return fmt.Errorf("countdown: ticks %v: must be a positive integer", v)
					}
				}
				st.Store(CountdownState{Total: n, Remaining: n, Started: time.Now()})
				if err := record(ctx, ActionStarted, runtime.Message{"ticks": n, "interval": interval.String()}); err != nil {
					return err
				}
				if err := runtime.Emit(ctx, "next", runtime.Message{}); err != nil {
					return err
				}
			}
			for range in.Slot("next") {
				if err := sleep(ctx, interval); err != nil {
					return err
				}
				var s CountdownState
				st.Update(func(c *CountdownState) {
					c.Remaining--
					s = *c
				})
				elapsed := time.Since(s.Started).Round(time.Millisecond).String()
				tick := runtime.Message{
					"remaining": s.Remaining,
					"elapsed":   elapsed,
					"progress":  float64(s.Total-s.Remaining) / float64(s.Total),
				}
				if err := record(ctx, ActionTicked, tick); err != nil {
					return err
				}
				if err := runtime.Emit(ctx, "tick", tick); err != nil {
					return err
				}
				if s.Remaining > 0 {
					if err := runtime.Emit(ctx, "next", runtime.Message{}); err != nil {
						return err
					}
					continue
				}
				done := runtime.Message{"total": s.Total, "elapsed": elapsed}
				if err := record(ctx, ActionCompleted, done); err != nil {
					return err
				}
				if err := runtime.Emit(ctx, "complete", done); err != nil {
					return err
				}
			}
			return nil
		})
}

// Batch collects the "value" of the messages on its "input" slot into
// batches of exactly size (DefaultBatchSize when zero) — the BatchSize
// policy — and emits each as "batch" with "items", "size" and
// "batch_number" (1, 2, … per job, in job-scope BatchState).
func Batch(size int) *runtime.Routine {
	if size <= 0 {
		size = DefaultBatchSize
	}
	return runtime.NewRoutine("batch_processor").
		Slot("input").
		Event("batch", "items", "size", "batch_number").
		Policy(runtime.BatchSize(size)).
		Logic(func(ctx context.Context, in runtime.Input) error {
			st, err := BatchStateOf(ctx)
			if err != nil {
				return err
			}
			msgs := in.Slot("input")
			items := make([]any, 0, len(msgs))
			for _, m := range msgs {
				items = append(items, m["value"])
			}
			var n int
			st.Update(func(b *BatchState) { b.Batches++; n = b.Batches })
			out := runtime.Message{"items": items, "size": len(items), "batch_number": n}
			if err := record(ctx, ActionBatched, out); err != nil {
				return err
			}
			return runtime.Emit(ctx, "batch", out)
		})
}

// Counter counts the messages it receives on "input", per routine instance
// and across jobs (worker-scope CounterState), and emits each message on
// "count" with the running "count" added.
func Counter() *runtime.Routine {
	return runtime.NewRoutine("counter").
		Slot("input").
		Event("count", "count").
		Logic(func(ctx context.Context, in runtime.Input) error {
			st, err := CounterStateOf(ctx)
			if err != nil {
				return err
			}
			for _, msg := range in.Slot("input") {
				var n int64
				st.Update(func(c *CounterState) { c.Count++; n = c.Count })
				if err := record(ctx, ActionCounted, runtime.Message{"count": n, "value": msg["value"]}); err != nil {
					return err
				}
				out := maps.Clone(msg)
				out["count"] = n
				if err := runtime.Emit(ctx, "count", out); err != nil {
					return err
				}
			}
			return nil
		})
}

// Filter emits each message of "input" on "passed" when its "value" is a
// number >= threshold, else on "rejected".
func Filter(threshold float64) *runtime.Routine {
	return runtime.NewRoutine("filter").
		Slot("input").
		Event("passed").
		Event("rejected").
		Logic(func(ctx context.Context, in runtime.Input) error {
			for _, msg := range in.Slot("input") {
				v, err := toFloat(msg["value"])
				if err != nil {
					return fmt.Errorf("filter: value: %w", err)
				}
				event, action := "passed", ActionPassed
				if v < threshold {
					event, action = "rejected", ActionRejected
				}
				if err := record(ctx, action, runtime.Message{"value": msg["value"], "threshold": threshold}); err != nil {
					return err
				}
				if err := runtime.Emit(ctx, event, maps.Clone(msg)); err != nil {
					return err
				}
			}
			return nil
		})
}

// TransformFunc turns a message into another. It gets a copy it may change.
type TransformFunc func(runtime.Message) (runtime.Message, error)

// Processor runs transform on every message of "input" and emits the result
// on "output". It is the Go form of the original's data processor, which ran
// a code snippet; a nil transform passes messages through.
func Processor(transform TransformFunc) *runtime.Routine {
	if transform == nil {
		transform = func(m runtime.Message) (runtime.Message, error) { return m, nil }
	}
	return runtime.NewRoutine("data_processor").
		Slot("input").
		Event("output").
		Logic(func(ctx context.Context, in runtime.Input) error {
			for _, msg := range in.Slot("input") {
				out, err := transform(maps.Clone(msg))
				if err != nil {
					return fmt.Errorf("data processor: %w", err)
				}
				if err := record(ctx, ActionProcessed, runtime.Message{"in": msg["value"], "out": out["value"]}); err != nil {
					return err
				}
				if err := runtime.Emit(ctx, "output", out); err != nil {
					return err
				}
			}
			return nil
		})
}

// AddToValue is a TransformFunc that adds n to the integer "value".
func AddToValue(n int) TransformFunc {
	return func(m runtime.Message) (runtime.Message, error) {
		v, err := toInt(m["value"])
		if err != nil {
			return nil, err
		}
		m["value"] = v + n
		return m, nil
	}
}

// LoopConfig configures a loop controller.
type LoopConfig struct {
	// MaxIterations ends the loop after that many passes
	// (DefaultMaxIterations when zero).
	MaxIterations int
	// Exit, when set, ends the loop as soon as it holds for a message.
	Exit func(runtime.Message) bool
}

// ValueAtLeast is a loop exit condition: "value" >= n.
func ValueAtLeast(n float64) func(runtime.Message) bool {
	return func(m runtime.Message) bool {
		v, err := toFloat(m["value"])
		return err == nil && v >= n
	}
}

// LoopController counts the passes of each job through it in job-scope
// LoopState (one count per controller instance and job). For every message
// on "input" it emits the message with "iteration" added, on "done" with
// "reason" condition_met when the exit condition holds, on "done" with
// "reason" max_iterations_reached when the count reached MaxIterations, and
// on "continue" otherwise.
func LoopController(cfg LoopConfig) *runtime.Routine {
	if cfg.MaxIterations <= 0 {
		cfg.MaxIterations = DefaultMaxIterations
	}
	return runtime.NewRoutine("loop_controller").
		Slot("input").
		Event("continue", "iteration").
		Event("done", "iteration", "reason").
		Logic(func(ctx context.Context, in runtime.Input) error {
			st, err := LoopStateOf(ctx)
			if err != nil {
				return err
			}
			for _, msg := range in.Slot("input") {
				var n int
				st.Update(func(s *LoopState) { s.Iteration++; n = s.Iteration })
				out := maps.Clone(msg)
				out["iteration"] = n
				reason := ""
				switch {
				case cfg.Exit != nil && cfg.Exit(msg):
					reason = ReasonConditionMet
				case n >= cfg.MaxIterations:
					reason = ReasonMaxIterations
				}
				if reason == "" {
					if err := record(ctx, ActionContinued, runtime.Message{"iteration": n, "value": msg["value"]}); err != nil {
						return err
					}
					if err := runtime.Emit(ctx, "continue", out); err != nil {
						return err
					}
					continue
				}
				out["reason"] = reason
				if err := record(ctx, ActionDone, runtime.Message{"iteration": n, "value": msg["value"], "reason": reason}); err != nil {
					return err
				}
				if err := runtime.Emit(ctx, "done", out); err != nil {
					return err
				}
			}
			return nil
		})
}

// Source emits count messages (DefaultCount when zero) on "data" for each
// message on its "trigger" slot: {"index": i, "value": i+1}. The trigger may
// set "count".
func Source(count int) *runtime.Routine {
	if count <= 0 {
		count = DefaultCount
	}
	return runtime.NewRoutine("data_source").
		Slot("trigger").
		Event("data", "index", "value").
		Logic(func(ctx context.Context, in runtime.Input) error {
			for _, msg := range in.Slot("trigger") {
				n := count
				if v, ok := msg["count"]; ok {
					var err error
					if n, err = toInt(v); err != nil || n < 0 {
						return fmt.Errorf("data source: count %v: must be a non-negative integer", v)
					}
				}
				if err := record(ctx, ActionGenerated, runtime.Message{"count": n}); err != nil {
					return err
				}
				for i := range n {
					if err := runtime.Emit(ctx, "data", runtime.Message{"index": i, "value": i + 1}); err != nil {
						return err
					}
				}
			}
			return nil
		})
}

// ValueFunc transforms one value.
type ValueFunc func(any) (any, error)

// Transformations a data transformer knows by name.
var Transformations = map[string]ValueFunc{
	"double": func(v any) (any, error) {
		n, err := toInt(v)
		return n * 2, err
	},
	"square": func(v any) (any, error) {
		n, err := toInt(v)
		return n * n, err
	},
	"negate": func(v any) (any, error) {
		n, err := toInt(v)
		return -n, err
	},
	"upper": func(v any) (any, error) {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("upper: %T is not a string", v)
		}
		return strings.ToUpper(s), nil
	},
}

// Transformer applies the named transformation (a key of Transformations)
// to the "value" of each message on "input" and emits it on "output", the
// original value kept as "original". An unknown name fails the job.
func Transformer(name string) *runtime.Routine {
	return runtime.NewRoutine("data_transformer").
		Slot("input").
		Event("output", "value", "original").
		Logic(func(ctx context.Context, in runtime.Input) error {
			fn, ok := Transformations[name]
			if !ok {
				return fmt.Errorf("data transformer: unknown transformation %q", name)
			}
			for _, msg := range in.Slot("input") {
				v, err := fn(msg["value"])
				if err != nil {
					return fmt.Errorf("data transformer %s: %w", name, err)
				}
				out := maps.Clone(msg)
				out["original"], out["value"] = msg["value"], v
				if err := record(ctx, ActionTransformed, runtime.Message{"transformation": name, "from": msg["value"], "to": v}); err != nil {
					return err
				}
				if err := runtime.Emit(ctx, "output", out); err != nil {
					return err
				}
			}
			return nil
		})
}

// Sink stores the "value" of each message on "input" in job-scope SinkState
// and records it with the running total.
func Sink() *runtime.Routine {
	return runtime.NewRoutine("data_sink").
		Slot("input").
		Logic(func(ctx context.Context, in runtime.Input) error {
			st, err := SinkStateOf(ctx)
			if err != nil {
				return err
			}
			for _, msg := range in.Slot("input") {
				var total int
				st.Update(func(s *SinkState) { s.Items = append(s.Items, fmt.Sprint(msg["value"])); total = len(s.Items) })
				if err := record(ctx, ActionStored, runtime.Message{"value": msg["value"], "total": total}); err != nil {
					return err
				}
			}
			return nil
		})
}

// FormatMessage renders m as "key=value ..." with sorted keys.
func FormatMessage(m runtime.Message) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%v", k, m[k])
	}
	return b.String()
}

func listOf(v any) ([]any, bool) {
	if v == nil {
		return nil, false
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

func toInt(v any) (int, error) {
	switch n := v.(type) {
	case int:
		return n, nil
	case int32:
		return int(n), nil
	case int64:
		return int(n), nil
	case float64:
		if n == float64(int(n)) {
			return int(n), nil
		}
	}
	return 0, fmt.Errorf("%v (%T) is not an integer", v, v)
}

func toFloat(v any) (float64, error) {
	switch n := v.(type) {
	case int:
		return float64(n), nil
	case int32:
		return float64(n), nil
	case int64:
		return float64(n), nil
	case float32:
		return float64(n), nil
	case float64:
		return n, nil
	}
	return 0, fmt.Errorf("%v (%T) is not a number", v, v)
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// lockedWriter serialises writes to w (once: a writer it made is returned
// as is).
func lockedWriter(w io.Writer) io.Writer {
	if _, ok := w.(*syncWriter); ok {
		return w
	}
	return &syncWriter{w: w}
}

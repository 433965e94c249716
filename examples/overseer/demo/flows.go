package demo

import (
	"io"
	"time"

	"github.com/routigen/routigen/runtime"
)

// Flow ids.
const (
	SimplePipelineID  = "simple_pipeline"
	BatchProcessingID = "batch_processing"
	CountdownID       = "countdown"
	LoopID            = "loop_flow"
	DataPipelineID    = "data_pipeline"
)

// Options configures the demo flows.
type Options struct {
	// Out receives the printers' lines; nil discards them. Writes to it
	// are serialised, so it may be a bytes.Buffer.
	Out io.Writer
	// Delay is the delay routine's wait (DefaultDelay when zero).
	Delay time.Duration
	// Ticks and Tick configure the countdown (DefaultTicks ticks of
	// DefaultTick when zero).
	Ticks int
	Tick  time.Duration
}

func (o Options) out() io.Writer {
	if o.Out == nil {
		return io.Discard
	}
	return lockedWriter(o.Out)
}

// builder keeps the first error of a run of Add and Connect calls.
type builder struct {
	f   *runtime.Flow
	err error
}

func (b *builder) add(id string, r *runtime.Routine) {
	if b.err == nil {
		b.err = b.f.Add(id, r)
	}
}

func (b *builder) connect(from, event, to, slot string) {
	if b.err == nil {
		b.err = b.f.Connect(from, event, to, slot)
	}
}

// SimplePipeline is echo → delay → printer: post to "echo"'s "trigger".
func SimplePipeline(o Options) (*runtime.Flow, error) {
	b := &builder{f: runtime.NewFlow(SimplePipelineID)}
	b.add("echo", Echo())
	b.add("delay", Delay(o.Delay))
	b.add("printer", Printer(o.out()))
	b.connect("echo", "output", "delay", "input")
	b.connect("delay", "output", "printer", "input")
	return b.f, b.err
}

// BatchProcessing is echo → batch of 3 → printer: post {"items": [...]} to
// "echo"'s "input"; echo splits the list, the batch processor groups the
// values by three.
func BatchProcessing(o Options) (*runtime.Flow, error) {
	b := &builder{f: runtime.NewFlow(BatchProcessingID)}
	b.add("echo", Echo())
	b.add("batcher", Batch(DefaultBatchSize))
	b.add("printer", Printer(o.out()))
	b.connect("echo", "output", "batcher", "input")
	b.connect("batcher", "batch", "printer", "input")
	return b.f, b.err
}

// CountdownFlow is countdown → printer: post to "countdown"'s "start". The
// countdown's "next" event loops back to its own "next" slot; its ticks and
// its completion go to the printer.
func CountdownFlow(o Options) (*runtime.Flow, error) {
	b := &builder{f: runtime.NewFlow(CountdownID)}
	b.add("countdown", Countdown(o.Ticks, o.Tick))
	b.add("printer", Printer(o.out()))
	b.connect("countdown", "next", "countdown", "next")
	b.connect("countdown", "tick", "printer", "input")
	b.connect("countdown", "complete", "printer", "input")
	return b.f, b.err
}

// LoopFlow is echo → processor (value+1) → controller (at most 10 passes,
// exit when value >= 10), the controller's "continue" back to the
// processor and its "done" to the printer: post {"value": n} to "echo"'s
// "trigger". The iteration count lives in the controller's job-scope
// LoopState, so concurrent jobs loop independently.
func LoopFlow(o Options) (*runtime.Flow, error) {
	b := &builder{f: runtime.NewFlow(LoopID)}
	b.add("echo", Echo())
	b.add("processor", Processor(AddToValue(1)))
	b.add("controller", LoopController(LoopConfig{MaxIterations: 10, Exit: ValueAtLeast(10)}))
	b.add("printer", Printer(o.out()))
	b.connect("echo", "output", "processor", "input")
	b.connect("processor", "output", "controller", "input")
	b.connect("controller", "continue", "processor", "input")
	b.connect("controller", "done", "printer", "input")
	return b.f, b.err
}

// DataPipeline is data source → transformer (double) → counter "seen" →
// filter (value >= 6) → counter "kept" → data sink: post {"count": n} to
// "source"'s "trigger". The two counters are two instances of one routine:
// each keeps its own worker-scope count, which grows across jobs.
func DataPipeline(o Options) (*runtime.Flow, error) {
	b := &builder{f: runtime.NewFlow(DataPipelineID)}
	b.add("source", Source(DefaultCount))
	b.add("double", Transformer("double"))
	b.add("seen", Counter())
	b.add("filter", Filter(6))
	b.add("kept", Counter())
	b.add("sink", Sink())
	b.connect("source", "data", "double", "input")
	b.connect("double", "output", "seen", "input")
	b.connect("seen", "count", "filter", "input")
	b.connect("filter", "passed", "kept", "input")
	b.connect("kept", "count", "sink", "input")
	return b.f, b.err
}

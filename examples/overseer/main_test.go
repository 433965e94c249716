package main

import (
	"bytes"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// The command runs every flow, prints the printers' lines and the trace
// logs, and exits 0 when every job did what it should.
func TestRun(t *testing.T) {
	defer goleak.VerifyNone(t)
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"-delay", "20ms", "-tick", "5ms", "-ticks", "2"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s\nstdout:\n%s", code, errOut.String(), out.String())
	}
	got := out.String()
	for _, want := range []string{
		`== simple pipeline: echo → delay → printer (flow "simple_pipeline")`,
		"simple_pipeline-1 printer: delayed_ms=20 message=hello, routigen\n",
		"job simple_pipeline-1 completed in ",
		"delay      delayed     delayed_ms=20 waited=",
		"ok: the message reached the printer after a 20ms delay\n",
		"batch_processing-1 printer: batch_number=3 items=[7 8 9] size=3\n",
		"ok: nine values went out as three batches of three: #1[1 2 3] #2[4 5 6] #3[7 8 9]\n",
		"ok: 2 ticks, remaining 1 → 0, progress → 1, then complete\n",
		"loop_flow-1 printer: iteration=5 reason=condition_met value=10\n",
		"controller done        iteration=10 reason=max_iterations_reached value=-90\n",
		"ok: the loop terminated: 5 iterations (condition_met), 10 iterations (max_iterations_reached)\n",
		"seen       counted     count=10 value=10\n",
		"ok: counters seen=5,10 and kept=3,6 across the two jobs; the sink stored [6 8 10] in each\n",
		"all 5 flows completed as expected\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(got, "FAIL") || errOut.Len() != 0 {
		t.Errorf("unexpected failure output; stderr %q", errOut.String())
	}
	if t.Failed() {
		t.Logf("output:\n%s", got)
	}
}

// -trace=false leaves the trace logs out.
func TestRunQuiet(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"-delay", "1ms", "-tick", "1ms", "-ticks", "1", "-trace=false"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if strings.Contains(out.String(), "echoed") {
		t.Errorf("trace printed with -trace=false:\n%s", out.String())
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{{"-delay", "0s"}, {"extra"}, {"-no-such-flag"}} {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), args, &out, &errOut); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}

// A job that does not do what its scenario expects makes the run fail:
// here the countdown's check cannot pass when the deadline cuts the run.
func TestRunTimeoutFails(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"-delay", "300ms", "-timeout", "50ms", "-trace=false"}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stdout:\n%s", code, out.String())
	}
	if !strings.Contains(errOut.String(), "overseer: FAILED") || !strings.Contains(out.String(), "FAIL: simple pipeline") {
		t.Errorf("no clear failure message; stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}
}

package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/routigen/routigen/examples/multiloop/loops"
	flatkey "github.com/routigen/routigen/testdata/multiloop_flatkey"
)

// The example runs many concurrent jobs over several workers and every job
// counts right: loop_a 3, loop_b 7.
func TestRun(t *testing.T) {
	defer goleak.VerifyNone(t)
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"-jobs", "400", "-workers", "4"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s\nstdout:\n%s", code, errOut.String(), out.String())
	}
	for _, want := range []string{
		"400 jobs in ",
		"  loop_a (limit 3): iteration=3 passes=3 in 400 jobs\n",
		"  loop_b (limit 7): iteration=7 passes=7 in 400 jobs\n",
		"every job: loop_a counted 3, loop_b counted 7 — right\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q; got:\n%s", want, out.String())
		}
	}
}

// -v lists every job with each controller's counts.
func TestRunVerbose(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"-jobs", "3", "-workers", "0", "-v"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if n := strings.Count(out.String(), " completed: loop_a [iteration=3 passes=3] loop_b [iteration=7 passes=7]\n"); n != 3 {
		t.Errorf("%d job lines, want 3:\n%s", n, out.String())
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{{"-jobs", "0"}, {"x"}, {"-nope"}} {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), args, &out, &errOut); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}

// Generated state: every job of many, on the default worker and spread over
// workers, counts exactly to each controller's limit.
func TestGeneratedStateCountsRight(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, workers := range []int{0, 3} {
		sum, err := loops.RunNew(t.Context(), loops.Controller, loops.Options{Jobs: 500, Workers: workers, Pool: 8})
		if err != nil {
			t.Fatal(err)
		}
		if err := sum.Err(); err != nil {
			t.Errorf("workers=%d: %v", workers, err)
		}
		if len(sum.Jobs) != 500 {
			t.Errorf("workers=%d: %d results, want 500", workers, len(sum.Jobs))
		}
		for _, r := range sum.Jobs {
			if a, b := r.Counts[loops.LoopA], r.Counts[loops.LoopB]; len(a) != 1 || len(b) != 1 ||
				a[0] != (loops.Count{Iteration: 3, Passes: 3}) || b[0] != (loops.Count{Iteration: 7, Passes: 7}) {
				t.Fatalf("workers=%d: %v", workers, r)
			}
		}
	}
}

// The same flow with the flat "loop_iteration" key: the two controllers of
// a job count on one key, so the loops end early and the counts are wrong —
// while the generated-state version of the same run is right.
func TestFlatKeyCollides(t *testing.T) {
	defer goleak.VerifyNone(t)
	o := loops.Options{FlowID: "multiloop_flatkey", Jobs: 300, Workers: 2, Pool: 8}
	flat, err := loops.RunNew(t.Context(), flatkey.Controller, o)
	if err != nil {
		t.Fatal(err)
	}
	o.FlowID = "multiloop"
	typed, err := loops.RunNew(t.Context(), loops.Controller, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := typed.Err(); err != nil {
		t.Fatalf("generated state: %v", err)
	}
	err = flat.Err()
	if err == nil {
		t.Fatal("flat key: every job counted right; want the collision")
	}
	t.Logf("flat key: %v", err)
	// Whatever the interleaving, the shared key makes one controller of
	// every job see the other's iterations and stop before its limit (a
	// perfectly lock-stepped lost update could hide it, so ask for most
	// jobs rather than all).
	wrong := flat.Wrong()
	if len(wrong) < len(flat.Jobs)*9/10 {
		t.Errorf("flat key: %d of %d jobs wrong, want nearly all", len(wrong), len(flat.Jobs))
	}
	for _, r := range wrong {
		for ctl, counts := range r.Counts {
			for _, c := range counts {
				if c.Passes > loops.Limits()[ctl] {
					t.Errorf("%v: %s ran past its limit", r, ctl)
				}
			}
		}
	}
	var out bytes.Buffer
	flat.Write(&out, 3)
	if !strings.Contains(out.String(), "(wrong)") || !strings.Contains(out.String(), "wrong: job ") {
		t.Errorf("summary does not show the wrong counts:\n%s", out.String())
	}
}

func TestSummaryErr(t *testing.T) {
	if err := (loops.Summary{}).Err(); err == nil {
		t.Error("empty summary: no error")
	}
	s := loops.Summary{Elapsed: time.Second, Jobs: []loops.JobResult{{JobID: "j", Counts: map[string][]loops.Count{}}}}
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "1 of 1 jobs counted wrong") {
		t.Errorf("Err() = %v", err)
	}
}

// Command flatkey (testdata/multiloop_flatkey/cmd/flatkey) prints the wrong
// counts and exits 1.
func TestFlatKeyCommand(t *testing.T) {
	defer goleak.VerifyNone(t)
	var out, errOut bytes.Buffer
	if code := flatkey.Main(t.Context(), []string{"-jobs", "100"}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1; stdout:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "(wrong)") || !strings.Contains(errOut.String(), "flatkey: the flat key collides: ") {
		t.Errorf("no collision shown; stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}
}

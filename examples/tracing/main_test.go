package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

// blocks splits the output into the response builder's blocks, keyed by
// request id.
func blocks(t *testing.T, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	var cur string
	for _, line := range strings.SplitAfter(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "request "); ok {
			cur = strings.Fields(rest)[0]
			if _, dup := m[cur]; dup {
				t.Errorf("request %s printed twice", cur)
			}
		} else if !strings.HasPrefix(line, "  ") {
			cur = ""
		}
		if cur != "" {
			m[cur] += line
		}
	}
	return m
}

// The command answers every request and prints each response with its
// job's trace: ingress, business logic (for accepted requests) and the
// response builder, each naming the request's own user.
func TestRun(t *testing.T) {
	defer goleak.VerifyNone(t)
	var out, errOut bytes.Buffer
	if code := run(t.Context(), nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s\nstdout:\n%s", code, errOut.String(), out.String())
	}
	if !strings.HasSuffix(out.String(), "all 7 requests answered as expected\n") {
		t.Errorf("no final verdict:\n%s", out.String())
	}
	got := blocks(t, out.String())
	if len(got) != len(Calls) {
		t.Fatalf("%d response blocks, want %d:\n%s", len(got), len(Calls), out.String())
	}
	for _, c := range Calls {
		b := got[c.RequestID]
		head := fmt.Sprintf("request %s (user %q): %d ", c.RequestID, c.UserID, c.Status)
		if !strings.HasPrefix(b, head) || !strings.Contains(strings.SplitN(b, "\n", 2)[0], c.Body) {
			t.Errorf("%s: block starts %q, want %q…%q", c.RequestID, strings.SplitN(b, "\n", 2)[0], head, c.Body)
		}
		var routines []string
		for _, line := range strings.Split(strings.TrimSpace(b), "\n")[1:] {
			f := strings.Fields(line)
			routines = append(routines, f[1]+" "+f[2])
		}
		want := "ingress validated, business processed, response responded"
		if c.Status == 400 {
			want = "ingress rejected, response responded"
		}
		if strings.Join(routines, ", ") != want {
			t.Errorf("%s: trace %q, want %q", c.RequestID, routines, want)
		}
		sawUser := false
		for _, line := range strings.Split(b, "\n") {
			if f := strings.Fields(line); len(f) > 2 && f[1] == "business" {
				sawUser = strings.HasSuffix(line, " user_id="+c.UserID)
			}
		}
		if c.Status != 400 && !sawUser {
			t.Errorf("%s: business logic did not see user_id=%s through the shared state:\n%s", c.RequestID, c.UserID, b)
		}
		for _, other := range []string{"ada", "grace", "linus"} {
			if other != c.UserID && strings.Contains(b, "user_id="+other) {
				t.Errorf("%s: the trace of user %q mentions user %q:\n%s", c.RequestID, c.UserID, other, b)
			}
		}
	}
}

// Many copies of every request at once: each job's business logic sees the
// user its own ingress stored.
func TestConcurrentRequests(t *testing.T) {
	defer goleak.VerifyNone(t)
	var out bytes.Buffer
	if err := Serve(t.Context(), DefaultDirectory, Calls, 40, &out); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\nrequest ") + 1; n != 40*len(Calls) {
		t.Errorf("%d responses printed, want %d", n, 40*len(Calls))
	}
}

// Check catches a wrong response.
func TestCheckFailsOnWrongResponse(t *testing.T) {
	defer goleak.VerifyNone(t)
	calls := []Call{{"ada", "req-x", "profile", 200, "Grace Hopper"}}
	err := Serve(t.Context(), DefaultDirectory, calls, 1, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), `want 200 with "Grace Hopper"`) {
		t.Errorf("Serve error %v, want a wrong-response error", err)
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{{"-repeat", "0"}, {"x"}} {
		var out, errOut bytes.Buffer
		if code := run(t.Context(), args, &out, &errOut); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}

// The shared Request state is one value for every routine of a job, and it
// needs a job but no routine activation.
func TestSharedRequestState(t *testing.T) {
	if _, err := RequestOf(context.Background()); !errors.Is(err, runtime.ErrNoJob) {
		t.Errorf("RequestOf(no job) error %v, want ErrNoJob", err)
	}
	ctx, job, _ := runtimetest.NewContext(t, "ingress")
	in, err := RequestOf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in.Store(Request{UserID: "ada", RequestID: "r1", Action: "profile"})
	biz, err := RequestOf(runtimetest.WithRoutine(ctx, "business"))
	if err != nil {
		t.Fatal(err)
	}
	if got := biz.UserID(); got != "ada" {
		t.Errorf("business sees user %q, want ada", got)
	}
	outside, err := RequestOf(runtime.WithJob(context.Background(), job))
	if err != nil || outside.Load() != (Request{UserID: "ada", RequestID: "r1", Action: "profile"}) {
		t.Errorf("from the job alone: %v, %v", outside, err)
	}
	other, _, _ := runtimetest.NewContext(t, "business")
	o, err := RequestOf(other)
	if err != nil || o.UserID() != "" {
		t.Errorf("another job sees user %q (err %v), want none", o.UserID(), err)
	}
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/routigen/routigen/runtime"
)

// FlowID is the id of the request-tracing flow.
const FlowID = "request_tracing"

// Trace actions.
const (
	ActionValidated = "validated"
	ActionRejected  = "rejected"
	ActionProcessed = "processed"
	ActionResponded = "responded"
)

// Actions the business logic knows.
var actions = []string{"profile", "orders"}

var userIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// User is a record of the in-memory user directory.
type User struct {
	Name   string
	Plan   string
	Orders []string
}

// Directory is the example's user store.
type Directory map[string]User

// DefaultDirectory is the directory the command serves.
var DefaultDirectory = Directory{
	"ada":   {Name: "Ada Lovelace", Plan: "pro", Orders: []string{"analytical engine", "punch cards"}},
	"grace": {Name: "Grace Hopper", Plan: "team", Orders: []string{"compiler"}},
}

// Ingress validates a request: the job's metadata must carry a user_id and a
// request_id, the message an action the business logic knows. A valid
// request is stored in the shared job state (Request) and goes on as
// "accepted", carrying only the action: the user id reaches the business
// logic through the state, not the message. An invalid one goes to
// "rejected" with status 400.
func Ingress() *runtime.Routine {
	return runtime.NewRoutine("ingress").
		Slot("request").
		Event("accepted", "action").
		Event("rejected", "status", "error").
		Logic(func(ctx context.Context, in runtime.Input) error {
			ec, err := runtime.RequireExec(ctx)
			if err != nil {
				return err
			}
			req, err := RequestOf(ctx)
			if err != nil {
				return err
			}
			md := ec.Job.Metadata()
			userID, _ := md["user_id"].(string)
			requestID, _ := md["request_id"].(string)
			for _, msg := range in.Slot("request") {
				action, _ := msg["action"].(string)
				var problem string
				switch {
				case requestID == "":
					problem = "metadata request_id missing"
				case userID == "":
					problem = "metadata user_id missing"
				case !userIDPattern.MatchString(userID):
					problem = fmt.Sprintf("user_id %q is not a valid user id", userID)
				case !slices.Contains(actions, action):
					problem = fmt.Sprintf("unknown action %q (want one of %v)", action, actions)
				}
				if problem != "" {
					ec.Job.Trace(ec.RoutineID, ActionRejected, runtime.Message{"error": problem})
					if err := runtime.Emit(ctx, "rejected", runtime.Message{"status": 400, "error": problem}); err != nil {
						return err
					}
					continue
				}
				req.Store(Request{UserID: userID, RequestID: requestID, Action: action})
				ec.Job.Trace(ec.RoutineID, ActionValidated, runtime.Message{"user_id": userID, "request_id": requestID, "action": action})
				if err := runtime.Emit(ctx, "accepted", runtime.Message{"action": action}); err != nil {
					return err
				}
			}
			return nil
		})
}

// Business serves an accepted request for the user the ingress stored in
// the shared job state: "profile" or "orders" from dir, 404 for a user dir
// does not know.
func Business(dir Directory) *runtime.Routine {
	return runtime.NewRoutine("business_logic").
		Slot("input").
		Event("result", "status", "body").
		Logic(func(ctx context.Context, in runtime.Input) error {
			ec, err := runtime.RequireExec(ctx)
			if err != nil {
				return err
			}
			req, err := RequestOf(ctx)
			if err != nil {
				return err
			}
			r := req.Load()
			for range in.Slot("input") {
				status, body := 200, ""
				u, ok := dir[r.UserID]
				switch {
				case !ok:
					status, body = 404, fmt.Sprintf("no user %q", r.UserID)
				case r.Action == "profile":
					body = fmt.Sprintf("%s, plan %s", u.Name, u.Plan)
				default:
					body = fmt.Sprintf("%d orders: %v", len(u.Orders), u.Orders)
				}
				ec.Job.Trace(ec.RoutineID, ActionProcessed, runtime.Message{"user_id": r.UserID, "action": r.Action, "status": status})
				if err := runtime.Emit(ctx, "result", runtime.Message{"status": status, "body": body}); err != nil {
					return err
				}
			}
			return nil
		})
}

// Response builds the response of the job from a business "result" or an
// ingress "rejection", records it, and prints it to w with the job's whole
// trace log, as one block.
func Response(w io.Writer) *runtime.Routine {
	var mu sync.Mutex
	return runtime.NewRoutine("response_builder").
		Slot("result").
		Slot("rejected").
		Logic(func(ctx context.Context, in runtime.Input) error {
			ec, err := runtime.RequireExec(ctx)
			if err != nil {
				return err
			}
			md := ec.Job.Metadata()
			userID, _ := md["user_id"].(string)
			requestID, _ := md["request_id"].(string)
			for _, msg := range slices.Concat(in.Slot("result"), in.Slot("rejected")) {
				body := msg["body"]
				if body == nil {
					body = msg["error"]
				}
				ec.Job.Trace(ec.RoutineID, ActionResponded, runtime.Message{"status": msg["status"], "body": body})
				var b bytes.Buffer
				fmt.Fprintf(&b, "request %s (user %q): %v %v\n", requestID, userID, msg["status"], body)
				writeTrace(&b, ec.Job)
				mu.Lock()
				_, err := w.Write(b.Bytes())
				mu.Unlock()
				if err != nil {
					return err
				}
			}
			return nil
		})
}

// writeTrace writes job's trace log, one indented line per entry.
func writeTrace(w io.Writer, job *runtime.JobContext) {
	for _, e := range job.TraceLog() {
		at := e.Time.Sub(job.CreatedAt()).Round(10 * time.Microsecond)
		fmt.Fprintf(w, "  %9s %-16s %-9s %s\n", "+"+at.String(), e.RoutineID, e.Action, formatDetails(e.Details))
	}
}

func formatDetails(m runtime.Message) string {
	var b bytes.Buffer
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%v", k, m[k])
	}
	return b.String()
}

// NewFlow wires ingress → business logic → response builder, with the
// ingress's rejections going straight to the response builder. Post a
// request to routine "ingress", slot "request", with metadata user_id and
// request_id (runtime.WithMetadata).
func NewFlow(dir Directory, out io.Writer) (*runtime.Flow, error) {
	f := runtime.NewFlow(FlowID)
	for _, err := range []error{
		f.Add("ingress", Ingress()),
		f.Add("business", Business(dir)),
		f.Add("response", Response(out)),
		f.Connect("ingress", "accepted", "business", "input"),
		f.Connect("ingress", "rejected", "response", "rejected"),
		f.Connect("business", "result", "response", "result"),
	} {
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}

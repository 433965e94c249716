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

// Action is a request as it reaches the ingress: what the caller asks for.
type Action struct{ Name string }

// Reply is a request's outcome: an HTTP-like status and a body (or, for a
// rejection, the error).
type Reply struct {
	Status int
	Body   string
}

// The flow's typed ports. A slot and the event connected to it share a
// payload type, which Flow.Connect checks.
var (
	RequestIn   = runtime.NewIn[Action]("request") // ingress; post here
	acceptedOut = runtime.NewOut[Action]("accepted")
	rejectedOut = runtime.NewOut[Reply]("rejected")
	actionIn    = runtime.NewIn[Action]("input") // business logic
	resultOut   = runtime.NewOut[Reply]("result")
	resultIn    = runtime.NewIn[Reply]("result") // response builder
	rejectedIn  = runtime.NewIn[Reply]("rejected")
)

// Ingress validates a request: the job's metadata must carry a user_id and a
// request_id, the message an action the business logic knows. A valid
// request is stored in the shared job state (Request) and goes on as
// "accepted", carrying only the action: the user id reaches the business
// logic through the state, not the message. An invalid one goes to
// "rejected" with status 400.
func Ingress() *runtime.Routine {
	return runtime.NewRoutine("ingress").
		In(RequestIn).Out(acceptedOut).Out(rejectedOut).
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
			for _, a := range RequestIn.From(in) {
				action := a.Name
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
					if err := rejectedOut.Emit(ctx, Reply{Status: 400, Body: problem}); err != nil {
						return err
					}
					continue
				}
				req.Store(Request{UserID: userID, RequestID: requestID, Action: action})
				ec.Job.Trace(ec.RoutineID, ActionValidated, runtime.Message{"user_id": userID, "request_id": requestID, "action": action})
				if err := acceptedOut.Emit(ctx, a); err != nil {
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
		In(actionIn).Out(resultOut).
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
			for range actionIn.From(in) {
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
				if err := resultOut.Emit(ctx, Reply{Status: status, Body: body}); err != nil {
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
		In(resultIn).In(rejectedIn).
		Logic(func(ctx context.Context, in runtime.Input) error {
			ec, err := runtime.RequireExec(ctx)
			if err != nil {
				return err
			}
			md := ec.Job.Metadata()
			userID, _ := md["user_id"].(string)
			requestID, _ := md["request_id"].(string)
			for _, rep := range slices.Concat(resultIn.From(in), rejectedIn.From(in)) {
				ec.Job.Trace(ec.RoutineID, ActionResponded, runtime.Message{"status": rep.Status, "body": rep.Body})
				var b bytes.Buffer
				fmt.Fprintf(&b, "request %s (user %q): %v %v\n", requestID, userID, rep.Status, rep.Body)
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
// ingress's rejections going straight to the response builder. Post an
// Action to routine "ingress" (RequestIn.Post), with metadata user_id and
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

package main

//go:generate go run github.com/routigen/routigen/cmd/routigen

// Request is what the ingress routine learned about the request of a job
// and hands to the routines after it. It is job scope and shared: every
// routine of the job sees the same value (namespaced by the flow, not by
// the routine id), and no other job does.
//
//routigen:state scope=job shared
type Request struct {
	UserID    string
	RequestID string
	Action    string
}

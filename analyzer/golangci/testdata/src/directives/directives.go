// Package directives has one bad directive and nothing else to report.
package directives

// T is misannotated.
//
//routigen:stat scope=job
type T struct{ N int }

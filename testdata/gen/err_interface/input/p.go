// Package p holds interface values in state: Load cannot copy what an
// interface holds, so each such field is a positioned error (error values
// excepted: they are immutable by convention).
package p

import "fmt"

// Holder hides an interface behind a pointer.
type Holder struct{ V any }

//routigen:state scope=job
type S struct {
	Any    any
	Items  []any
	Meta   map[string]any
	Str    fmt.Stringer
	Iface  interface{ Do(int) error }
	Nested struct{ V any }
	Ptr    *Holder
	Err    error      // accepted
	Errs   []error    // accepted
	Fn     func() any // accepted: a func is not looked into
	Ch     chan any   // accepted: a channel is shared by design
	hidden any        // unexported fields are copied too: an error
}

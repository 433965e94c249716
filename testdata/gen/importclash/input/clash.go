// Package clash declares package-level names that are also import names
// and locals of the generated code: the generator must alias and rename.
package clash

import "time"

var fmt = "not the fmt package"

func context() string { return "not the context package" }

type runtime struct{}

var slices, maps = 1, 2

type s int
type v int
type a struct{}
type ctx int
type err string

// time2 makes the first alias of time taken too.
var time1 = time.Second

// State uses names the generated code would otherwise shadow.
//
//routigen:state scope=job
type State struct {
	S     s
	V     v
	A     a
	Ctx   ctx
	Err   err
	List  []s
	When  time.Time
	Conf  map[string]v
	inner runtime
}

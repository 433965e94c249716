package p

import "testing"

//routigen:state scope=job
type TestState struct{ N int }

//routigen:state scope=bogus
type Bogus struct{ N int }

func TestNothing(t *testing.T) {}

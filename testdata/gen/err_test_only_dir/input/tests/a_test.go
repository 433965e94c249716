// Package tests has test files only: the go command lists it with no Go
// file, and its annotations must not be skipped in silence.
package tests

import "testing"

//routigen:state scope=job
type InTest struct{ N []int }

func TestNothing(t *testing.T) {}

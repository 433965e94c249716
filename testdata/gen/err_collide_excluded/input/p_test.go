package p

import "testing"

// SAccessor in an internal test file collides in go test.
type SAccessor struct{}

var codecOfS = 1

func TestX(t *testing.T) {}

package p_test

// An external test package is another package: no collision.
type SAccessor struct{}

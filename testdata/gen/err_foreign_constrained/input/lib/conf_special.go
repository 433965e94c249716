//go:build special

package lib

// Conf holds B in the special build.
type Conf struct{ B []int }

// Opaque holds no slice or map: the copy never selects its fields.
type Opaque struct{ M int }

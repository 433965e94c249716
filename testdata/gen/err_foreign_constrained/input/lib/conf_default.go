//go:build !special

package lib

// Conf holds A in the default build.
type Conf struct{ A []int }

// Opaque holds no slice or map: the copy never selects its fields.
type Opaque struct{ N int }

//go:build never

package p

// SOf is declared in a build this run leaves out: the generated SOf
// would collide with it there.
func SOf() {}

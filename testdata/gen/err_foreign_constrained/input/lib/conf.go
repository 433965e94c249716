// Package lib declares Conf once per build, with other fields in each, as
// syscall.SysProcAttr differs between GOOS values.
package lib

// Plain is the same in every build.
type Plain struct{ Tags []string }

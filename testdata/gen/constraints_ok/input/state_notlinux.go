//go:build !linux

package ok

func describe(s State) string { return "other" }

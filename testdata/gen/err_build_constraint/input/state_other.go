//go:build !linux

package bc

type platform struct{ handle uintptr }

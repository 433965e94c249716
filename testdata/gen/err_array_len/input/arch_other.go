//go:build !amd64

package p

const Arch = 4

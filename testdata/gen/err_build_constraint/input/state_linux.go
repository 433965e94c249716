//go:build linux

package bc

//routigen:state scope=job
type LinuxOnly struct {
	N int
}

type platform struct{ fd int }

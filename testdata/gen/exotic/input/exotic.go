// Package exotic holds anonymous struct and interface types that gofmt lays
// out over several aligned lines. Interface values are not state routigen
// can copy (see err_interface), so the interfaces here are what funcs
// return: funcs are not looked into.
package exotic

import (
	"fmt"
	"io"
)

// Base is embedded in an anonymous struct.
type Base struct{ ID int }

// Exotic has multi-line field types.
//
//routigen:state scope=job
type Exotic struct {
	RW func() interface {
		io.Reader
		io.Writer
		Close() error
		Name(prefix string, n ...int) (string, error)
	}
	ByName map[string]struct {
		Base
		Count    int      `json:"count"`
		LongName []string `json:"long_name,omitempty"`
		F        func() func(int) string
		Inner    struct {
			Deep map[int][]byte
		}
	}
	Handlers []func(fmt.Stringer, ...interface{ Done() }) error
	Empty    struct{}
	Iface    func() interface{}
}

// Package exotic holds anonymous struct and interface field types that gofmt
// lays out over several aligned lines.
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
	RW interface {
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
	Iface    interface{}
}

// Package state holds pointer fields routigen cannot copy deeply: each is
// an error naming the field, and nothing is written. The pointers to a
// time, a Stamp and an unreachable buffer in an unexported field of a
// foreign type are fine: routigen does not follow pointers it cannot select.
package state

import (
	"regexp"
	"time"

	"example.com/err_pointer_foreign/tree"
)

//routigen:state scope=job
type State struct {
	Buf    *tree.Buffer
	Forest tree.Forest
	Loc    *time.Location
	Re     *regexp.Regexp
	When   *time.Time
	Stamp  *tree.Stamp
	OK     *[]string
}

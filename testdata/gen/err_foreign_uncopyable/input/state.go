// Package state holds fields whose types hold slices that routigen cannot
// copy: an unexported recursive type of another package (it cannot name
// it) and an unexported slice field of another package's type (it cannot
// reach it). Both are errors naming the field; nothing is written.
package state

import "example.com/err_foreign_uncopyable/tree"

//routigen:state scope=job
type State struct {
	Forest tree.Tree
	N      int
}

//routigen:state scope=worker
type Other struct {
	Fine  []tree.Tree `routigen:"-"`
	bytes tree.Buffer
	Ptr   *tree.Buffer
}

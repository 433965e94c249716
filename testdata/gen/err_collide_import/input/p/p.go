package p

import (
	TAccessor "strings"

	. "example.com/err_collide_import/lib"
)

// A name of a file's block (a dot import, an import name) cannot also be
// declared in the package block, where routigen_gen.go declares SOf and
// TAccessor.
var _, _ = SOf(), TAccessor.ToUpper("")

//routigen:state scope=job
type S struct{ O Opts }

//routigen:state scope=worker
type T struct{ N []int }

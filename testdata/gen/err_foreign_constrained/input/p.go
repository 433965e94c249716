package p

import "example.com/err_foreign_constrained/lib"

// Wrap reaches Conf through a field: the copy of S selects Wrap.C.A.
type Wrap struct{ C lib.Conf }

//routigen:state scope=job
type S struct {
	Conf  lib.Conf
	Ptr   *lib.Conf
	W     Wrap
	Plain lib.Plain
	// Named but never selected: fine.
	Opaque lib.Opaque
	Confs  func() []lib.Conf
}

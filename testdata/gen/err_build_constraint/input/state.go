// Package bc has state types in files with build constraints: each is an
// error (its accessors in routigen_gen.go would break the builds that
// leave the file out), and so is a field whose type is declared in such a
// file. Nothing is written.
package bc

//routigen:state scope=job
type Fine struct {
	N int
}

//routigen:state scope=job
type UsesPlatform struct {
	P []platform
}

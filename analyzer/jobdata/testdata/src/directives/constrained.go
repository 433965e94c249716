//go:build !nonesuch

package directives

// routigen gen refuses state declared in a file with a build constraint:
// routigen_gen.go serves every build. The checks say so too.
//
// want +2 `^jobdata: bad directive: state type Constrained is declared in a file with a build constraint \(//go:build !nonesuch\), but routigen_gen.go serves every build`
//
//routigen:state scope=job
type Constrained struct{ N int }

package directives

// routigen gen refuses state declared in a test file: the checks say so
// too, where go vet (and routigen lint) look at tests.
//
// want +2 `^jobdata: bad directive: state type InTest is declared in a _test.go file, which routigen does not support`
//
//routigen:state scope=job
type InTest struct{ N int }

// A type without the directive is fine in a test file.
type plain struct{ N int }

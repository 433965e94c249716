package directives

func bad() {}

// Plain is not state: the space makes the directive a comment.
//
// routigen:state scope=job // want `jobdata: bad directive: "// routigen:" is not read as a directive: write //routigen:state `
type Plain struct{ N int }

// Typo is not state either.
//
//routigen:stat scope=job // want `jobdata: bad directive: unknown directive //routigen:stat`
type Typo struct{ N int }

// Wrong has a scope that does not exist.
//
//routigen:state scope=routine // want `jobdata: bad directive: //routigen:state: unknown scope "routine"`
type Wrong struct{ N int }

//routigen:state scope=job // want `jobdata: bad directive: //routigen:state must annotate a struct type declaration, not a function`
func notAType() {}

// Good is fine, and so is prose that mentions routigen: state is typed.
//
//routigen:state scope=worker shared
type Good struct{ N int }

// routing: state machines are not directives.
func prose() {
	bad() //routgen:ignore workerkey misspelt, so it suppresses nothing // want `bad call` `jobdata: bad directive: "//routgen:" is not read as a directive: write //routigen:ignore `
}

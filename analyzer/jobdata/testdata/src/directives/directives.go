// Package directives holds bad //routigen: directives, which jobdata reports
// when it runs on its own, and good ones, which it leaves alone.
package directives

// want +2 `^jobdata: bad directive: unknown directive //routigen:stat `
//
//routigen:stat scope=job
type A struct{ N int }

// want +2 `^jobdata: bad directive: //routigen:state: unknown scope "jobb"`
//
//routigen:state scope=jobb
type B struct{ N int }

// want +2 `^jobdata: bad directive: "// routigen:" is not read as a directive`
//
// routigen:state scope=job
type C struct{ N int }

func f() int {
	// want +1 `^jobdata: malformed ignore directive: missing reason`
	//routigen:ignore workerkey,jobdata
	return 1
}

func g() int {
	// want +1 `^jobdata: //routigen:ignore names unknown check "jobbdata"`
	//routigen:ignore jobbdata reason given
	return 2
}

// Good directives: nothing to report. An ignore for another check is
// that check's to judge.

// D is fine.
//
//routigen:state scope=worker shared
type D struct{ N int }

// E is fine too: prose may say routing: state, or mention routigen: state
// in passing, and other tools' directives are theirs.
//
//go:generate go tool routigen
//routigen:state scope=job
type E struct{ N int }

// routing: state is not a directive misspelt, it is prose.
type F struct{ N int }

func h() int {
	//routigen:ignore workerkey another check's business
	return 3
}

package a

func bad()  {}
func good() {}

func reported() {
	bad() // want "bad call"
	good()
}

func trailing() {
	bad() //routigen:ignore workerkey the key is the routine id in disguise
}

func above() {
	//routigen:ignore workerkey checked by hand
	bad()
}

func aboveTwoChecks() {
	//routigen:ignore jobdata,workerkey checked by hand
	bad()
}

func trailingDoesNotReachNextLine() {
	good() //routigen:ignore workerkey wrongly placed // want `workerkey: unused //routigen:ignore: this check reports nothing on the line`
	bad()  // want "bad call"
}

func tooFarAbove() {
	//routigen:ignore workerkey one line too far // want `workerkey: unused //routigen:ignore: this check reports nothing on the line`

	bad() // want "bad call"
}

func unused() {
	//routigen:ignore workerkey nothing here // want `workerkey: unused //routigen:ignore: this check reports nothing on the line`
	good()
}

func noReason() {
	// A malformed ignore is reported and suppresses nothing.
	// want +1 `malformed ignore directive: missing reason`
	//routigen:ignore workerkey
	bad() // want "bad call"
}

func unknownCheck() {
	//routigen:ignore workerkey,frobnicate legacy // want `names unknown check "frobnicate"`
	bad()
}

func otherCheck() {
	// Ignores for other checks are theirs to report.
	//routigen:ignore jobdata not this check
	bad() // want "bad call"
	//routigen:ignore jobdata not this check either
	good()
}

func noNames() {
	// Run alone, with no driver's word on which checks run, this check
	// reports it (run with jobdata, only jobdata would: TestOwnership).
	// want +1 `workerkey: malformed ignore directive: missing check names and reason`
	//routigen:ignore
	good()
}

func onlyUnknown() {
	// Reported by this check too, as it may run alone.
	//routigen:ignore frobnicate some reason // want `workerkey: //routigen:ignore names unknown check "frobnicate"`
	bad() // want "bad call"
}

func both() {
	bad() //routigen:ignore workerkey twice on one line
	bad() /* a */ //routigen:ignore workerkey after another comment
}

func multiline() {
	// want +1 `workerkey: unused //routigen:ignore: this check reports nothing`
	//routigen:ignore workerkey first line of the statement
	x := []int{
		1,
	}
	_ = x
	bad() // want "bad call"
}

func strayComma() {
	// The message does not repeat the names (a check's name appears once,
	// in front): a space after the comma, or a comma with no name.
	// want +1 `^workerkey: malformed ignore directive: an empty check name: write the checks as CHECK\[,CHECK\], without spaces or stray commas$`
	//routigen:ignore workerkey, jobdata kept for v1
	bad() // want "bad call"
}

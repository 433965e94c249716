package owner

func bad() {}

func f() {
	//routigen:ignore
	bad()
	//routigen:ignore frobnicate some reason
	bad()
	//routigen:ignore workerkey,jobdata
	bad()
	//routigen:ignore lostupdate,workerkey,frob reason
	bad()
	//routigen:ignore workerkey,lostupdate unused by both
	_ = 1
}

// routigen:state scope=job
type T struct{}

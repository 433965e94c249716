package tests_test

// routigen:state scope=job
type Near struct{ N int }

//go:build ignore

package main

//routigen:state scope=job
type Ignored struct{ N int }

func main() {}

//go:build ignore

package main

// routigen:state scope=job
type T struct{ N int }

func main() {}

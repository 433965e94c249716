// Package c has channel types that need parentheses.
package c

//routigen:state scope=worker
type C struct {
	Of      chan (<-chan int)
	SendOf  chan<- chan int
	RecvOf  <-chan chan<- int
	Buffers chan []byte
}

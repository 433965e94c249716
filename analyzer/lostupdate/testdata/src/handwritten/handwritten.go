// Package handwritten has a //routigen:state type whose accessor is written
// by hand, not generated: it is not recognised as one.
package handwritten

import (
	"context"
	"sync"
)

//routigen:state scope=worker
type Counter struct {
	Count int
}

type CounterAccessor struct {
	mu *sync.Mutex
	c  *Counter
}

func CounterOf(ctx context.Context) (CounterAccessor, error) {
	return CounterAccessor{mu: new(sync.Mutex), c: new(Counter)}, nil
}

func (a CounterAccessor) Count() int     { return a.c.Count }
func (a CounterAccessor) SetCount(v int) { a.c.Count = v }

func use(ctx context.Context) {
	a, _ := CounterOf(ctx)
	a.SetCount(a.Count() + 1)
}

package p

import (
	"sync"
	"sync/atomic"
)

// Guarded embeds a mutex.
type Guarded struct {
	sync.Mutex
	N int
}

//routigen:state scope=job
type S struct {
	mu    sync.Mutex
	Hits  atomic.Int64
	Inner [2]Guarded
	Ptr   *sync.Mutex // through a pointer: fine
	N     int
}

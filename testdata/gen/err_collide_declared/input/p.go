package p

import "context"

//routigen:state scope=job
type LoopState struct{ N int }

// LoopStateOf is declared by hand.
func LoopStateOf(ctx context.Context) int { return 0 }

//routigen:state scope=worker
type Other struct{ N int }

// OtherAccessor is declared by hand.
type OtherAccessor struct{}

package loops

//go:generate go run github.com/routigen/routigen/cmd/routigen

// LoopState is one loop controller's iteration count for one job. The
// generated LoopStateOf namespaces it by the routine id of the activation,
// so loop_a and loop_b — two instances of the same controller in one flow —
// count apart, and every job starts from zero.
//
//routigen:state scope=job
type LoopState struct {
	Iteration int
}

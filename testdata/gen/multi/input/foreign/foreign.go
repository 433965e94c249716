package foreign

// Plain is not annotated.
type Plain struct{ N int }

package orphan

// Plain is no longer annotated.
type Plain struct{ N int }

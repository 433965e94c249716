// A hand-written file that happens to have routigen's file name.

package p

// Helper is the user's own.
func Helper() int { return 1 }

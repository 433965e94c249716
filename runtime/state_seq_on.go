//go:build amd64 && !race

package runtime

// optimisticReads enables Cell's optimistic reads: amd64 keeps loads in
// program order, and without the race detector (see Cell).
const optimisticReads = true

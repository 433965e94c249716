//go:build !amd64 || race

package runtime

// optimisticReads disables Cell's optimistic reads: under the race detector,
// which must only ever see locked reads, and on platforms that may reorder
// loads or split 64-bit ones (see Cell).
const optimisticReads = false

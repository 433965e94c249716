//go:build !race

package runtime

import "testing"

// TestCellOptimisticReadStress checks the optimistic reads (see Cell) under
// writers: no read returns a value a write stored only on its way. Without
// the race detector, which would rightly see the optimistic reads race.
func TestCellOptimisticReadStress(t *testing.T) {
	writes := 2_000_000
	if testing.Short() {
		writes = 200_000
	}
	fast, slow := stressCell(t, 2, 2, writes)
	t.Logf("%d reads optimistic, %d locked", fast, slow)
	if optimisticReads && fast == 0 {
		t.Error("no read took the optimistic path")
	}
}

package runtime

import (
	"testing"
	"unsafe"
)

// A job's block (its JobContext and first activations, one allocation per
// job) is sized to a malloc size class: 704 bytes with the 8-byte header Go
// adds to objects over 512 bytes (it has 16 bytes to spare). Three fields
// more and it takes the 768-byte class, 9 % more memory per job, more
// garbage collection and a malloc span refill every 10 jobs instead of
// every 11: move cold fields to jobTimers-like side structs made on first
// use instead.
func TestJobBlockFitsItsSizeClass(t *testing.T) {
	const class, header = 704, 8
	if n := unsafe.Sizeof(jobBlock{}) + header; n > class {
		t.Errorf("jobBlock is %d bytes with its malloc header, over the %d-byte size class (JobContext %d, activation %d)",
			n, class, unsafe.Sizeof(JobContext{}), unsafe.Sizeof(activation{}))
	}
}

// The free list of a plan's jobRuns keeps at most maxFreeRuns of them and
// hands each out once.
func TestRunListBounded(t *testing.T) {
	var l runList
	if l.get() != nil {
		t.Fatal("get on an empty list returned a jobRun")
	}
	runs := make([]*jobRun, maxFreeRuns+10)
	for i := range runs {
		runs[i] = new(jobRun)
		l.put(runs[i])
	}
	if n := len(l.free); n != maxFreeRuns {
		t.Errorf("list keeps %d jobRuns, want %d", n, maxFreeRuns)
	}
	seen := map[*jobRun]bool{}
	for jr := l.get(); jr != nil; jr = l.get() {
		if seen[jr] {
			t.Fatal("a jobRun came out twice")
		}
		seen[jr] = true
	}
	if len(seen) != maxFreeRuns {
		t.Errorf("got %d jobRuns back, want %d", len(seen), maxFreeRuns)
	}
}

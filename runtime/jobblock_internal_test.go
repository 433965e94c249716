package runtime

import (
	"testing"
	"unsafe"
)

// A job's block (its JobContext and first activations, one allocation per
// job) is sized to a malloc size class: 896 bytes with the 8-byte header Go
// adds to objects over 512 bytes. A field more and it takes the 1024-byte
// class, 14 % more memory per job and more garbage collection: move cold
// fields to jobTimers-like side structs made on first use instead.
func TestJobBlockFitsItsSizeClass(t *testing.T) {
	const class, header = 896, 8
	if n := unsafe.Sizeof(jobBlock{}) + header; n > class {
		t.Errorf("jobBlock is %d bytes with its malloc header, over the %d-byte size class (JobContext %d, activation %d)",
			n, class, unsafe.Sizeof(JobContext{}), unsafe.Sizeof(activation{}))
	}
}

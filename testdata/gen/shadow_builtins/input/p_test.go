package p

import "testing"

func TestShadowed(t *testing.T) {
	if !any(1) || byte != 8 {
		t.Fatal("package-level any and byte changed meaning")
	}
}

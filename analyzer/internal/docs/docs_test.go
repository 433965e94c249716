package docs

import "testing"

const src = `// Package x is a check.
//
// # Analyzer x
//
// x: report things
//
// Details.
//
//	code()
//
// # Other
//
// Not part of it.
package x
`

func TestMustExtract(t *testing.T) {
	got := MustExtract(src, "x")
	want := "report things\n\nDetails.\n\n\tcode()"
	if got != want {
		t.Errorf("MustExtract = %q, want %q", got, want)
	}
	for _, name := range []string{"y"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("MustExtract(%q) did not panic", name)
				}
			}()
			MustExtract(src, name)
		}()
	}
}

package directive

import (
	"go/ast"
	"strings"
	"testing"
)

func TestNear(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // substring of the error; "" for none
	}{
		{"// routigen:state scope=job", `write //routigen:state `},
		{"//  routigen:ignore jobdata legacy", `write //routigen:ignore `},
		{"//Routigen:state scope=worker", `write //routigen:state `},
		{"//routgen:state scope=job", `write //routigen:state `},
		{"//routigne:ignore nilfallback ok", `write //routigen:ignore `},
		{"// routigen: state scope=job", `write //routigen:state `},
		{"// routigen:stat scope=job", ""}, // two mistakes: too far to tell
		// Not near a directive.
		{"//routigen:state scope=job", ""},
		{"//routigen:frobnicate", ""}, // exact prefix: ParseFile reports the unknown name
		{"// routing: state machine of the flow", ""},
		{"// routine: state of the job, kept per activation", ""},
		{"// Routines: ignore the ones that failed", ""},
		{"// routien:state scope=job", `write //routigen:state `},
		{"// Note: state is per routine", ""},
		{"// routigen: the generator writes one file", ""},
		{"//go:generate go tool routigen", ""},
		{"// see //routigen:state below", ""},
		{"//\t//routigen:state scope=job", ""},
		{"/* routigen:state */", ""},
		{"// routes:ignore x", ""},
	} {
		err := Near(&ast.Comment{Text: tc.text})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("Near(%q) = %v, want nil", tc.text, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("Near(%q) = %v, want an error with %q", tc.text, err, tc.want)
		}
	}
}

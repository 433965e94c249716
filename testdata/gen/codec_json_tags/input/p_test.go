package p

import (
	"strings"
	"testing"
)

func TestJSONTags(t *testing.T) {
	_, err := codecOfS.Encode(&S{})
	for _, want := range []string{
		`field Secret cannot be stored: type p.Secret has the field Token tagged json:"-"`,
		`field Many cannot be stored: type p.Secret has the field Token tagged json:"-"`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Encode: %v, want an error with %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "Fine") {
		t.Errorf("Encode refuses Fine, which loses nothing: %v", err)
	}
}

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
		`field Amb cannot be stored: type p.Ambiguous has the field A.X, which encoding/json does not store because it conflicts with B.X for its JSON name`,
		`field Sh cannot be stored: type p.Shadow has the field Base.ID, which encoding/json does not store because it conflicts with ID for its JSON name`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Encode: %v, want an error with %q", err, want)
		}
	}
	for _, fine := range []string{"field Fine", "field Prom"} {
		if err != nil && strings.Contains(err.Error(), fine) {
			t.Errorf("Encode refuses %s, which loses nothing: %v", fine, err)
		}
	}
}

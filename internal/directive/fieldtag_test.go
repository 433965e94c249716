package directive

import (
	"strings"
	"testing"
)

func TestParseFieldTag(t *testing.T) {
	good := map[string]FieldTag{
		"-":          {NoAccessors: true},
		"name=count": {Name: "count"},
		"-,name=Old": {NoAccessors: true, Name: "Old"},
		"name=_x1,-": {NoAccessors: true, Name: "_x1"},
	}
	for in, want := range good {
		got, err := ParseFieldTag(in)
		if err != nil || got != want {
			t.Errorf("ParseFieldTag(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":              "unknown item",
		"x":             "unknown item",
		"name":          "unknown item",
		"name=":         "not a Go identifier",
		"name=a b":      "not a Go identifier",
		"name=1a":       "not a Go identifier",
		"name=a,name=b": "gives name twice",
		"-,-":           "gives - twice",
		"-, name=a":     "unknown item",
		"shared":        "unknown item",
	}
	for in, want := range bad {
		if _, err := ParseFieldTag(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseFieldTag(%q) error = %v; want one containing %q", in, err, want)
		}
	}
}

package jsonutf8

import (
	"encoding/json"
	"errors"
	"testing"
)

const bad = "a\xffb"

type text string

func (t text) MarshalText() ([]byte, error) { return []byte("fixed"), nil }

type own struct{ S string }

func (own) MarshalJSON() ([]byte, error) { return []byte(`"fixed"`), nil }

type inner struct{ S string }

type outer struct {
	inner         // promoted by encoding/json although unexported
	P      *inner // followed
	Skip   string `json:"-"`
	hidden string
}

// Check agrees with what encoding/json writes: an error exactly when a
// string it writes from the value is not valid UTF-8 (so its JSON holds
// the \ufffd escape), with the path to it.
func TestCheck(t *testing.T) {
	for _, c := range []struct {
		name string
		v    any
		path string // "-" when valid
	}{
		{"string", bad, ""},
		{"promoted", outer{inner: inner{S: bad}}, ".S"},
		{"pointer", outer{P: &inner{S: bad}}, ".P.S"},
		{"array", [2]string{"x", bad}, "[1]"},
		{"int map value", map[int]string{3: bad}, "[3]"},
		{"skipped fields", outer{Skip: bad, hidden: bad}, "-"},
		{"own JSON", own{S: bad}, "-"},
		{"text key", map[text]int{text(bad): 1}, `key "a\xffb"`},
		{"text value", []text{text(bad)}, "-"},
		{"bytes", []byte(bad), "-"},
		{"nil pointer", (*inner)(nil), "-"},
		{"nil interface", []any{nil}, "-"},
	} {
		err := Check(c.v)
		j, jerr := json.Marshal(c.v)
		if jerr != nil {
			t.Fatalf("%s: %v", c.name, jerr)
		}
		switch {
		case c.path == "-" && (err != nil || Suspect(j)):
			t.Errorf("%s: %v (JSON %s)", c.name, err, j)
		case c.path == "" && !errors.Is(err, ErrInvalid):
			t.Errorf("%s: %v, want ErrInvalid", c.name, err)
		case c.path != "-" && c.path != "" && (err == nil || !errors.Is(err, ErrInvalid) || err.Error()[:len(c.path)+1] != c.path+":"):
			t.Errorf("%s: %v, want an error at %s", c.name, err, c.path)
		case c.path != "-" && !Suspect(j):
			t.Errorf("%s: JSON %s has no \\ufffd: the case tests nothing", c.name, j)
		}
	}
}

package runtime_test

import (
	"math"
	"strings"
	"testing"

	"github.com/routigen/routigen/runtime"
)

// counterV1 and counterV2 are two versions of one state type as their
// generated codecs see them: v2 added Total, removed Names and renamed
// note to remark keeping its stored name.
type counterV1 struct {
	N     int
	Names []string
	note  string
}

type counterV2 struct {
	N      int
	Total  int64
	remark string
}

func encodeV1(v *counterV1) ([]byte, error) {
	e := runtime.NewStateEncoder("app.Counter", 1, 1)
	e.Field("N", v.N)
	e.Field("Names", v.Names)
	e.Field("note", v.note)
	return e.Bytes()
}

func decodeV2(data []byte, v *counterV2, version, since int) error {
	d := runtime.NewStateDecoder(data, "app.Counter", version, since)
	d.Field("N", &v.N)
	d.Field("Total", &v.Total)
	d.Field("note", &v.remark)
	return d.Err()
}

func TestStateCodecAcrossVersions(t *testing.T) {
	b, err := encodeV1(&counterV1{N: 1 << 53, Names: []string{"a"}, note: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"key":"app.Counter","version":1,"since":1,"fields":{"N":9007199254740992,"Names":["a"],"note":"kept"}}`
	if string(b) != want {
		t.Fatalf("stored form:\n got %s\nwant %s", b, want)
	}
	var v counterV2
	if err := decodeV2(b, &v, 2, 1); err != nil {
		t.Fatal(err)
	}
	if v != (counterV2{N: 1 << 53, remark: "kept"}) {
		t.Errorf("decoded %+v", v)
	}
}

func TestStateDecoderRefuses(t *testing.T) {
	v1, _ := encodeV1(&counterV1{N: 1})
	newer := []byte(`{"key":"app.Counter","version":4,"since":4,"fields":{"N":1}}`)
	for _, c := range []struct {
		name           string
		data           []byte
		version, since int
		want           string
	}{
		{"before a breaking change", v1, 3, 3, "stored under version 1, before the breaking change of version 3"},
		{"newer and incompatible", newer, 3, 1, "reads nothing older than version 4, and this code is version 3"},
		{"another key", []byte(`{"key":"app.Other","version":1,"since":1,"fields":{}}`), 1, 1, `the stored value belongs to state "app.Other", not "app.Counter"`},
		{"not a document", []byte(`[1]`), 1, 1, "not a stored state value"},
		{"a field of another type", []byte(`{"key":"app.Counter","version":1,"since":1,"fields":{"N":"x"}}`), 2, 1, "field N (stored under version 1)"},
	} {
		var v counterV2
		err := decodeV2(c.data, &v, c.version, c.since)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
		if c.name != "a field of another type" && v != (counterV2{}) {
			t.Errorf("%s: a refused value set fields: %+v", c.name, v)
		}
	}
	// A newer version that a compatible change separates is read.
	var v counterV2
	if err := decodeV2([]byte(`{"key":"app.Counter","version":7,"since":1,"fields":{"N":2,"Extra":true}}`), &v, 2, 1); err != nil || v.N != 2 {
		t.Errorf("newer compatible value: %+v, %v", v, err)
	}
}

func TestStateEncoderErrorsNameTheField(t *testing.T) {
	e := runtime.NewStateEncoder("app.Counter", 1, 1)
	e.Field("N", 1)
	e.Field("Ratio", math.NaN())
	e.Unstorable("hook", "a func")
	b, err := e.Bytes()
	if b != nil || err == nil {
		t.Fatalf("Bytes = %s, %v", b, err)
	}
	for _, s := range []string{"field Ratio: json: unsupported value: NaN", "field hook cannot be stored: a func"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q lacks %q", err, s)
		}
	}
}

// encoding/json writes U+FFFD in place of the bytes of a string that is
// not valid UTF-8, and says nothing: a worker state holding such a string
// would come back changed. Encoding it is an error naming where it is;
// valid strings, U+FFFD itself, []byte, unexported and json:"-" fields
// and a text that merely reads \ufffd are stored.
func TestStateEncoderRefusesInvalidUTF8(t *testing.T) {
	type inner struct {
		Name   string
		hidden string
		Skip   string `json:"-"`
	}
	bad := "ok\xffno"
	for _, c := range []struct {
		v     any
		where string // "" when it stores
	}{
		{bad, "field F: the string is not valid UTF-8"},
		{[]string{"a", bad}, "field F: [1]: the string is not valid UTF-8"},
		{map[string]int{bad: 1}, `field F: key "ok\xffno": the string is not valid UTF-8`},
		{map[string]inner{"k": {Name: bad}}, `field F: ["k"].Name: the string is not valid UTF-8`},
		{&inner{Name: bad}, "field F: .Name: the string is not valid UTF-8"},
		{[]any{1, bad}, "field F: [1]: the string is not valid UTF-8"},
		{"valid é and \uFFFD", ""},
		{`a text reading \ufffd`, ""},
		{[]byte(bad), ""},
		{inner{Name: "x", hidden: bad, Skip: bad}, ""},
	} {
		e := runtime.NewStateEncoder("app.S", 1, 1)
		e.Field("F", c.v)
		b, err := e.Bytes()
		switch {
		case c.where == "" && err != nil:
			t.Errorf("%#v: %v", c.v, err)
		case c.where != "" && (err == nil || !strings.Contains(err.Error(), c.where)):
			t.Errorf("%#v: stored %s, error %v; want an error containing %q", c.v, b, err, c.where)
		}
	}
}

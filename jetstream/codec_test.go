package jetstream

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

type point struct {
	X, Y int
	Tag  string
}

func TestCodecPreservesTypes(t *testing.T) {
	RegisterType[point]()
	now := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	in := runtime.Message{
		"int": 7, "int8": int8(-8), "int16": int16(16), "int32": int32(-32), "int64": int64(1 << 40),
		"uint": uint(1), "uint8": uint8(8), "uint16": uint16(16), "uint32": uint32(32), "uint64": uint64(1 << 63),
		"f32": float32(1.5), "f64": 2.25, "s": "x", "b": []byte("raw"), "t": now, "d": 3 * time.Second,
		"yes": true, "no": false, "nil": nil,
		"slice": []any{1, "two", 3.0}, "msg": runtime.Message{"n": 1}, "msgs": []runtime.Message{{"a": 1}},
		"strs": []string{"a", "b"}, "ints": []int{1, 2}, "floats": []float64{0.5}, "smap": map[string]string{"k": "v"},
		"point": point{X: 1, Y: 2, Tag: "p"},
	}
	b, err := encodeMessage(nil, in, "data")
	if err != nil {
		t.Fatal(err)
	}
	out, err := decodeMessage(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		for k, v := range in {
			if !reflect.DeepEqual(v, out[k]) {
				t.Errorf("%s: got %#v (%T), want %#v (%T)", k, out[k], out[k], v, v)
			}
		}
	}
	// The same message always encodes to the same bytes.
	b2, _ := encodeMessage(nil, in, "data")
	if string(b) != string(b2) {
		t.Error("encoding is not deterministic")
	}
}

func TestCodecRejectsWhatCannotCross(t *testing.T) {
	type unregistered struct{ A int }
	for _, tc := range []struct {
		in   runtime.Message
		want []string
	}{
		{runtime.Message{"cb": func() {}}, []string{`data["cb"]`, "func"}},
		{runtime.Message{"nested": runtime.Message{"ch": make(chan int)}}, []string{`data["nested"]["ch"]`, "chan"}},
		{runtime.Message{"list": []any{1, func() {}}}, []string{`data["list"][1]`, "func"}},
		{runtime.Message{"u": unregistered{1}}, []string{`data["u"]`, "not registered", "RegisterType"}},
	} {
		_, err := encodeMessage(nil, tc.in, "data")
		if err == nil {
			t.Errorf("%v: no error", tc.in)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q does not say %q", err, w)
			}
		}
	}
}

func TestCodecRejectsCorruptInput(t *testing.T) {
	b, err := encodeMessage(nil, runtime.Message{"s": "hello", "l": []int{1, 2, 3}}, "data")
	if err != nil {
		t.Fatal(err)
	}
	for i := range len(b) {
		if _, err := decodeMessage(b[:i]); err == nil {
			t.Errorf("truncated at %d: no error", i)
		}
	}
	if _, err := decodeMessage(append(b, 0)); err == nil {
		t.Error("trailing byte: no error")
	}
	if _, err := decodeMessage([]byte{tagInt, 2}); err == nil || !strings.Contains(err.Error(), "not a message") {
		t.Errorf("a bare int: %v", err)
	}
	if _, err := decodeMessage([]byte{200}); err == nil || !strings.Contains(err.Error(), "unknown tag") {
		t.Errorf("unknown tag: %v", err)
	}
}

func TestCodecNamedTypeUnknownOnDecode(t *testing.T) {
	b := appendString(appendString([]byte{tagNamed}, "example.com/nope.T"), "{}")
	if _, err := decodeValue(b); err == nil || !strings.Contains(err.Error(), "example.com/nope.T") {
		t.Errorf("got %v, want an error naming the type", err)
	}
}

// touchy is a registered type whose JSON methods are user code that
// panics: the codec turns the panic into an error.
type touchy struct{ Panic bool }

func (v touchy) MarshalJSON() ([]byte, error) {
	if v.Panic {
		panic("touchy marshal")
	}
	return []byte(`{"Panic":false}`), nil
}

func (v *touchy) UnmarshalJSON(b []byte) error {
	if string(b) == `"panic"` {
		panic("touchy unmarshal")
	}
	return nil
}

func TestCodecUserPanicIsAnError(t *testing.T) {
	RegisterType[touchy]()
	_, err := encodeMessage(nil, runtime.Message{"t": touchy{Panic: true}}, "data")
	var pe *runtime.PanicError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), `data["t"]`) || !strings.Contains(err.Error(), "touchy marshal") {
		t.Errorf("encoding a value whose MarshalJSON panics: %v, want a *runtime.PanicError at data[\"t\"]", err)
	}
	b := appendString(appendString([]byte{tagNamed}, typeName(reflect.TypeFor[touchy]())), `"panic"`)
	_, err = decodeValue(b)
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "touchy unmarshal") {
		t.Errorf("decoding into a type whose UnmarshalJSON panics: %v, want a *runtime.PanicError", err)
	}
}

// A message that holds itself cannot be encoded: an error, not a stack
// overflow that kills the process.
func TestCodecRejectsCycles(t *testing.T) {
	m := runtime.Message{}
	m["self"] = m
	l := []any{nil}
	l[0] = l
	for _, v := range []any{m, l} {
		if _, err := encodeValue(nil, v, "data"); err == nil || !strings.Contains(err.Error(), "nested deeper") {
			t.Errorf("a value holding itself: %v, want an error about its depth", err)
		}
	}
	deep := []byte{}
	for range maxDepth + 1 {
		deep = append(deep, tagSlice, 1)
	}
	deep = append(deep, tagNil)
	if _, err := decodeValue(deep); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("decoding %d nested slices: %v, want an error about the depth", maxDepth+1, err)
	}
}

// A registered type travels as JSON, which writes U+FFFD in place of the
// bytes of a string that is not valid UTF-8: the other node would read
// another value. Encoding it is an error naming the key and the field; a
// plain string (carried as bytes) and valid text pass.
func TestCodecRefusesInvalidUTF8InRegisteredTypes(t *testing.T) {
	RegisterType[point]()
	_, err := encodeMessage(nil, runtime.Message{"p": point{Tag: "ok\xffno"}}, "data")
	if err == nil || !strings.Contains(err.Error(), `data["p"]`) || !strings.Contains(err.Error(), ".Tag: the string is not valid UTF-8") {
		t.Errorf("a registered type holding invalid UTF-8: %v, want an error at data[\"p\"] naming .Tag", err)
	}
	in := runtime.Message{"s": "ok\xffno", "p": point{Tag: "é \uFFFD"}}
	b, err := encodeMessage(nil, in, "data")
	if err != nil {
		t.Fatal(err)
	}
	out, err := decodeMessage(b)
	if err != nil || !reflect.DeepEqual(out, in) {
		t.Errorf("round trip: %#v, %v; want %#v", out, err, in)
	}
}

// Package jsonutf8 finds what encoding/json changes in silence: a string
// that is not valid UTF-8 is written with U+FFFD in place of its bad
// bytes, and decodes as another string. The runtime's worker-state
// encoder and the jetstream codec (for registered types) store values as
// JSON; with Check they refuse such a value, naming where the string is,
// instead of persisting a different one.
//
// # Cost
//
// Check walks the value, so callers run it only when the JSON they got
// holds the escape encoding/json writes for a bad byte (Suspect): a value
// without one costs a bytes.Contains over its JSON.
package jsonutf8

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Suspect reports whether the JSON encoding/json wrote may stand for a
// string that was not valid UTF-8: it then holds the escape \ufffd
// (U+FFFD itself in a valid string is written as its UTF-8 bytes).
func Suspect(j []byte) bool { return bytes.Contains(j, []byte(`\ufffd`)) }

// ErrInvalid is the error Check wraps.
var ErrInvalid = errors.New("the string is not valid UTF-8: JSON would store U+FFFD in place of its bad bytes (keep such bytes in a []byte)")

// Check returns an error wrapping ErrInvalid, prefixed with the path of
// the string in v (".Name", "[2]", `["key"]`, `key "k"`; none for v
// itself), when a string that encoding/json writes from v is not valid
// UTF-8; nil otherwise. Values whose own JSON or text methods write them
// are theirs, and are not looked into.
func Check(v any) error {
	var path []string
	if !walk(reflect.ValueOf(v), &path, 0) {
		if len(path) == 0 {
			return ErrInvalid
		}
		return fmt.Errorf("%s: %w", strings.Join(path, ""), ErrInvalid)
	}
	return nil
}

// maxDepth bounds the walk; encoding/json refuses deeper values anyway.
const maxDepth = 1000

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// ownEncoding reports whether v's type (or, addressable, its pointer)
// writes its own JSON or text.
func ownEncoding(v reflect.Value) bool {
	t := v.Type()
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) {
		return true
	}
	return v.CanAddr() && (reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler))
}

// walk reports whether every string of v is valid; when one is not, path
// ends as the way to it.
func walk(v reflect.Value, path *[]string, depth int) bool {
	if !v.IsValid() || depth > maxDepth {
		return true
	}
	if v.Kind() != reflect.Interface && v.Kind() != reflect.Pointer && ownEncoding(v) {
		return true
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		return v.IsNil() || walk(v.Elem(), path, depth+1)
	case reflect.String:
		return utf8.ValidString(v.String())
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return true // []byte: base64
		}
		for i := range v.Len() {
			if !walk(v.Index(i), path, depth+1) {
				*path = append([]string{"[" + strconv.Itoa(i) + "]"}, *path...)
				return false
			}
		}
	case reflect.Map:
		return walkMap(v, path, depth)
	case reflect.Struct:
		return walkStruct(v, path, depth)
	}
	return true
}

func walkMap(v reflect.Value, path *[]string, depth int) bool {
	for it := v.MapRange(); it.Next(); {
		k := it.Key()
		// encoding/json writes a key of string kind as it is, text
		// methods or not.
		if k.Kind() == reflect.String && !utf8.ValidString(k.String()) {
			*path = append([]string{"key " + strconv.Quote(k.String())}, *path...)
			return false
		}
		if !walk(it.Value(), path, depth+1) {
			*path = append([]string{"[" + keyText(k) + "]"}, *path...)
			return false
		}
	}
	return true
}

func keyText(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return strconv.Quote(k.String())
	}
	return fmt.Sprint(k.Interface())
}

// walkStruct visits the fields encoding/json writes: exported ones and
// embedded structs, less those tagged json:"-".
func walkStruct(v reflect.Value, path *[]string, depth int) bool {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() && !embeddedStruct(f) || f.Tag.Get("json") == "-" {
			continue
		}
		if !walk(v.Field(i), path, depth+1) {
			if !f.Anonymous {
				*path = append([]string{"." + f.Name}, *path...)
			}
			return false
		}
	}
	return true
}

// embeddedStruct reports whether f is an embedded struct (or pointer to
// one), whose exported fields encoding/json promotes even when its type
// is unexported.
func embeddedStruct(f reflect.StructField) bool {
	t := f.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return f.Anonymous && t.Kind() == reflect.Struct
}

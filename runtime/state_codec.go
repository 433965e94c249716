package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/routigen/routigen/internal/jsonutf8"
)

// The stored form of a worker-state value, written and read by the codecs
// routigen generates (one [StateCodec] per worker-scope state type):
//
//	{"key":"example.com/app.Counter","version":3,"since":1,"fields":{"N":4,"note":"x"}}
//
// key is the storage name of the type, version the version of its stored
// shape in routigen.manifest that wrote the value, since the oldest
// version that shape reads. fields holds every stored field, unexported
// ones included, under its stored name (the field name, or the name of a
// routigen:"name=NAME" tag), each encoded by encoding/json into the field's
// own Go type, so an int stays an int. A string in a field that is not
// valid UTF-8, which encoding/json would silently store as U+FFFD, makes
// Bytes an error naming the field and where in it the string is.
//
// A reader takes what it knows: a field it does not declare is skipped (a
// field removed since), a field it declares and the value lacks keeps its
// zero value (a field added since). A value written under a version older
// than the reader's since, or by a newer version whose since is newer than
// the reader, is refused: a breaking change lies between them.
type stateDoc struct {
	Key     string                     `json:"key"`
	Version int                        `json:"version"`
	Since   int                        `json:"since"`
	Fields  map[string]json.RawMessage `json:"fields"`
}

// StateEncoder writes one worker-state value in its stored form; generated
// codecs use it, field by field.
type StateEncoder struct {
	buf  bytes.Buffer
	n    int
	errs []error
}

// NewStateEncoder starts the stored form of a value of the state type with
// storage name key, at version of its stored shape, which reads values
// stored since version since.
func NewStateEncoder(key string, version, since int) *StateEncoder {
	k, _ := json.Marshal(key)
	e := &StateEncoder{}
	fmt.Fprintf(&e.buf, `{"key":%s,"version":%d,"since":%d,"fields":{`, k, version, since)
	return e
}

// Field stores v under the stored name name.
func (e *StateEncoder) Field(name string, v any) {
	b, err := json.Marshal(v)
	if err == nil && jsonutf8.Suspect(b) {
		err = jsonutf8.Check(v)
	}
	if err != nil {
		e.errs = append(e.errs, fmt.Errorf("field %s: %w", name, err))
		return
	}
	if e.n > 0 {
		e.buf.WriteByte(',')
	}
	e.n++
	k, _ := json.Marshal(name)
	e.buf.Write(k)
	e.buf.WriteByte(':')
	e.buf.Write(b)
}

// Unstorable records that the field stored as name cannot be stored, and
// why (routigen decides it from the field's type: a func, a channel, an
// interface whose dynamic type would be lost, ...): Bytes then fails,
// naming it, rather than store a value that would not come back.
func (e *StateEncoder) Unstorable(name, why string) {
	e.errs = append(e.errs, fmt.Errorf("field %s cannot be stored: %s", name, why))
}

// Bytes returns the stored form, or an error naming every field that could
// not be stored.
func (e *StateEncoder) Bytes() ([]byte, error) {
	if len(e.errs) > 0 {
		return nil, errors.Join(e.errs...)
	}
	e.buf.WriteString("}}")
	return e.buf.Bytes(), nil
}

// StateDecoder reads one worker-state value from its stored form; generated
// codecs use it, field by field.
type StateDecoder struct {
	doc  stateDoc
	errs []error
}

// NewStateDecoder reads the stored form data of a value of the state type
// with storage name key, for the reader at version of its stored shape,
// which reads values stored since version since. It refuses (through Err)
// a value of another key, one stored before since, and one stored by a
// newer version that a breaking change separates from this one.
func NewStateDecoder(data []byte, key string, version, since int) *StateDecoder {
	d := &StateDecoder{}
	if err := json.Unmarshal(data, &d.doc); err != nil {
		d.errs = append(d.errs, fmt.Errorf("not a stored state value: %w", err))
		return d
	}
	switch doc := &d.doc; {
	case doc.Key != key:
		d.errs = append(d.errs, fmt.Errorf("the stored value belongs to state %q, not %q", doc.Key, key))
	case doc.Version < since:
		d.errs = append(d.errs, fmt.Errorf("the value was stored under version %d, before the breaking change of version %d (accepted with routigen gen -allow-breaking); clear or migrate the stored values of this type", doc.Version, since))
	case doc.Since > version:
		d.errs = append(d.errs, fmt.Errorf("the value was stored under version %d, which reads nothing older than version %d, and this code is version %d: deploy the newer code", doc.Version, doc.Since, version))
	}
	if len(d.errs) > 0 {
		d.doc.Fields = nil
	}
	return d
}

// Field reads the field stored as name into dst, a pointer to the field;
// a field the value lacks leaves dst alone.
func (d *StateDecoder) Field(name string, dst any) {
	raw, ok := d.doc.Fields[name]
	if !ok {
		return
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		d.errs = append(d.errs, fmt.Errorf("field %s (stored under version %d): %w", name, d.doc.Version, err))
	}
}

// Err reports what went wrong, or nil.
func (d *StateDecoder) Err() error { return errors.Join(d.errs...) }

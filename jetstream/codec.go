package jetstream

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/routigen/routigen/internal/jsonutf8"
	"github.com/routigen/routigen/runtime"
)

// The value codec carries messages, metadata and results between nodes
// keeping their Go types: an int comes back an int, an int64 an int64, a
// []string a []string, where JSON would make them all float64 and []any.
// Each value is a tag byte and its payload. Types outside the built-in set
// travel as JSON under the name RegisterType gave them, and decode into
// that type again.

const (
	tagNil byte = iota
	tagFalse
	tagTrue
	tagInt
	tagInt8
	tagInt16
	tagInt32
	tagInt64
	tagUint
	tagUint8
	tagUint16
	tagUint32
	tagUint64
	tagFloat32
	tagFloat64
	tagString
	tagBytes
	tagTime
	tagDuration
	tagSlice     // []any
	tagMap       // map[string]any (runtime.Message)
	tagStrings   // []string
	tagInts      // []int
	tagFloats    // []float64
	tagStringMap // map[string]string
	tagMessages  // []map[string]any
	tagNamed     // a registered type, as JSON
)

var registry struct {
	sync.RWMutex
	byName map[string]reflect.Type
	byType map[reflect.Type]string
}

// RegisterType lets values of T (for instance a struct carried in a
// Message, or a result; the payload types of a registered flow's typed
// ports need no registration) cross nodes: they travel as JSON under T's
// name and decode into T again. Every node must register the same types;
// registering one twice is harmless. Fields of T keep their types; an
// interface-typed field inside T decodes as JSON decodes it.
func RegisterType[T any]() { registerType(reflect.TypeFor[T]()) }

func registerType(t reflect.Type) {
	name := typeName(t)
	registry.Lock()
	defer registry.Unlock()
	if registry.byName == nil {
		registry.byName = map[string]reflect.Type{}
		registry.byType = map[reflect.Type]string{}
	}
	registry.byName[name] = t
	registry.byType[t] = name
}

// learnTypes registers the payload types of the typed ports of flowID (as
// the node registered it: runtime.Node.PayloadTypes), once per flow, so that
// the poster encodes a typed payload and the serving node decodes it without
// a RegisterType of their own. Registering a type twice is harmless, so
// concurrent first calls may both register.
func (b *Backend) learnTypes(flowID string) {
	if _, done := b.learned.Load(flowID); done || b.node == nil {
		return
	}
	for _, t := range b.node.PayloadTypes(flowID) {
		registerType(t)
	}
	b.learned.Store(flowID, struct{}{})
}

func typeName(t reflect.Type) string {
	if t.Name() != "" && t.PkgPath() != "" {
		return t.PkgPath() + "." + t.Name()
	}
	return t.String()
}

// encodeMessage appends m to b. where names m in errors ("data",
// "metadata", "result").
func encodeMessage(b []byte, m runtime.Message, where string) ([]byte, error) {
	if m == nil {
		return append(b, tagNil), nil
	}
	return encodeValue(b, m, where)
}

// encodeValue appends v to b. root names v in errors ("data", "result").
func encodeValue(b []byte, v any, root string) ([]byte, error) {
	out, err := encode(b, v, 0)
	if err != nil {
		return nil, err.at(root)
	}
	return out, nil
}

// encodeError is a value that cannot be encoded, and where: the path is
// built only on the way out of a failed encoding, never on success.
type encodeError struct {
	steps []string // innermost first: [2], ["key"]
	err   error
}

func (e *encodeError) step(s string) *encodeError {
	e.steps = append(e.steps, s)
	return e
}

// at formats the error with its path from root: data["list"][1]: ...
func (e *encodeError) at(root string) error {
	var sb strings.Builder
	sb.WriteString(root)
	for i := len(e.steps) - 1; i >= 0; i-- {
		sb.WriteString(e.steps[i])
	}
	return fmt.Errorf("%s: %w", sb.String(), e.err)
}

// maxDepth bounds how deeply values nest, encoded and decoded: a message
// that holds itself is an error, not a stack overflow that kills the
// process.
const maxDepth = 1000

var errTooDeep = fmt.Errorf("nested deeper than %d levels (does the value hold itself?)", maxDepth)

func encode(b []byte, v any, depth int) ([]byte, *encodeError) {
	switch v := v.(type) {
	case nil:
		return append(b, tagNil), nil
	case bool:
		if v {
			return append(b, tagTrue), nil
		}
		return append(b, tagFalse), nil
	case int:
		return binary.AppendVarint(append(b, tagInt), int64(v)), nil
	case int8:
		return binary.AppendVarint(append(b, tagInt8), int64(v)), nil
	case int16:
		return binary.AppendVarint(append(b, tagInt16), int64(v)), nil
	case int32:
		return binary.AppendVarint(append(b, tagInt32), int64(v)), nil
	case int64:
		return binary.AppendVarint(append(b, tagInt64), v), nil
	case uint:
		return binary.AppendUvarint(append(b, tagUint), uint64(v)), nil
	case uint8:
		return binary.AppendUvarint(append(b, tagUint8), uint64(v)), nil
	case uint16:
		return binary.AppendUvarint(append(b, tagUint16), uint64(v)), nil
	case uint32:
		return binary.AppendUvarint(append(b, tagUint32), uint64(v)), nil
	case uint64:
		return binary.AppendUvarint(append(b, tagUint64), v), nil
	case float32:
		return binary.LittleEndian.AppendUint32(append(b, tagFloat32), math.Float32bits(v)), nil
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, tagFloat64), math.Float64bits(v)), nil
	case string:
		return appendString(append(b, tagString), v), nil
	case []byte:
		return appendString(append(b, tagBytes), string(v)), nil
	case time.Time:
		t, err := v.MarshalBinary()
		if err != nil {
			return nil, &encodeError{err: err}
		}
		return appendString(append(b, tagTime), string(t)), nil
	case time.Duration:
		return binary.AppendVarint(append(b, tagDuration), int64(v)), nil
	}
	if depth >= maxDepth {
		return nil, &encodeError{err: errTooDeep}
	}
	if out, err, ok := encodeCollection(b, v, depth+1); ok {
		return out, err
	}
	return encodeNamed(b, v)
}

// encodeCollection writes the slices and maps the codec knows; ok is false
// for any other value. depth is the depth of the elements.
func encodeCollection(b []byte, v any, depth int) ([]byte, *encodeError, bool) {
	switch v := v.(type) {
	case []any:
		b = binary.AppendUvarint(append(b, tagSlice), uint64(len(v)))
		for i, e := range v {
			var err *encodeError
			if b, err = encode(b, e, depth); err != nil {
				return nil, err.step(fmt.Sprintf("[%d]", i)), true
			}
		}
		return b, nil, true
	case map[string]any:
		b, err := encodeMap(append(b, tagMap), v, depth)
		return b, err, true
	case []map[string]any:
		b = binary.AppendUvarint(append(b, tagMessages), uint64(len(v)))
		for i, m := range v {
			var err *encodeError
			if b, err = encodeMap(b, m, depth); err != nil {
				return nil, err.step(fmt.Sprintf("[%d]", i)), true
			}
		}
		return b, nil, true
	case []string:
		b = binary.AppendUvarint(append(b, tagStrings), uint64(len(v)))
		for _, s := range v {
			b = appendString(b, s)
		}
		return b, nil, true
	case []int:
		b = binary.AppendUvarint(append(b, tagInts), uint64(len(v)))
		for _, n := range v {
			b = binary.AppendVarint(b, int64(n))
		}
		return b, nil, true
	case []float64:
		b = binary.AppendUvarint(append(b, tagFloats), uint64(len(v)))
		for _, f := range v {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
		}
		return b, nil, true
	case map[string]string:
		b = binary.AppendUvarint(append(b, tagStringMap), uint64(len(v)))
		for _, k := range sortedKeys(v) {
			b = appendString(appendString(b, k), v[k])
		}
		return b, nil, true
	}
	return b, nil, false
}

// encodeMap writes the entries of m in key order, so one message always
// encodes to the same bytes.
func encodeMap(b []byte, m map[string]any, depth int) ([]byte, *encodeError) {
	b = binary.AppendUvarint(b, uint64(len(m)))
	for _, k := range sortedKeys(m) {
		b = appendString(b, k)
		var err *encodeError
		if b, err = encode(b, m[k], depth); err != nil {
			return nil, err.step(fmt.Sprintf("[%q]", k))
		}
	}
	return b, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func encodeNamed(b []byte, v any) ([]byte, *encodeError) {
	t := reflect.TypeOf(v)
	switch t.Kind() {
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return nil, &encodeError{err: fmt.Errorf("a %s (%s) cannot cross nodes", t.Kind(), t)}
	}
	registry.RLock()
	name, ok := registry.byType[t]
	registry.RUnlock()
	if !ok {
		return nil, &encodeError{err: fmt.Errorf("type %s is not registered: call jetstream.RegisterType[%s]() on every node", t, t)}
	}
	j, err := marshalNamed(v, name)
	if err != nil {
		return nil, &encodeError{err: err}
	}
	return appendString(appendString(append(b, tagNamed), name), string(j)), nil
}

// marshalNamed and unmarshalNamed run the JSON methods of a registered
// type, which are user code: a panic in one is an error wrapping
// *runtime.PanicError, never a crash of the goroutine that encodes a post,
// a record or a delivery.
func marshalNamed(v any, name string) (j []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &runtime.PanicError{Func: "encoding " + name, Value: p, Stack: debug.Stack()}
		}
	}()
	j, err = json.Marshal(v)
	if err == nil && jsonutf8.Suspect(j) {
		err = jsonutf8.Check(v)
	}
	return j, err
}

func unmarshalNamed(j []byte, dst any, name string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &runtime.PanicError{Func: "decoding " + name, Value: p, Stack: debug.Stack()}
		}
	}()
	return json.Unmarshal(j, dst)
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decoder reads what encodeValue wrote.
type decoder struct {
	b     []byte
	err   error
	depth int // of the collection being read
}

var errTruncated = errors.New("truncated value")

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail(errTruncated)
		return tagNil
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(errTruncated)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(errTruncated)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length and checks it against what is left, so a corrupt
// length cannot make a huge allocation.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail(errTruncated)
		return 0
	}
	return int(n)
}

func (d *decoder) bytes() []byte {
	n := d.count()
	if d.err != nil {
		return nil
	}
	s := d.b[:n:n]
	d.b = d.b[n:]
	return s
}

func (d *decoder) fixed(n int) []byte {
	if len(d.b) < n {
		d.fail(errTruncated)
		return make([]byte, n)
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

// decodeMessage reads a message encodeMessage wrote.
func decodeMessage(b []byte) (runtime.Message, error) {
	d := &decoder{b: b}
	v := d.value()
	if d.err == nil && len(d.b) != 0 {
		d.fail(errors.New("trailing bytes"))
	}
	if d.err != nil {
		return nil, fmt.Errorf("decode: %w", d.err)
	}
	switch v := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return v, nil
	}
	return nil, fmt.Errorf("decode: %T, not a message", v)
}

func decodeValue(b []byte) (any, error) {
	d := &decoder{b: b}
	v := d.value()
	if d.err != nil {
		return nil, fmt.Errorf("decode: %w", d.err)
	}
	return v, nil
}

func (d *decoder) value() any {
	switch tag := d.byte(); tag {
	case tagNil:
		return nil
	case tagFalse:
		return false
	case tagTrue:
		return true
	case tagInt:
		return int(d.varint())
	case tagInt8:
		return int8(d.varint())
	case tagInt16:
		return int16(d.varint())
	case tagInt32:
		return int32(d.varint())
	case tagInt64:
		return d.varint()
	case tagUint:
		return uint(d.uvarint())
	case tagUint8:
		return uint8(d.uvarint())
	case tagUint16:
		return uint16(d.uvarint())
	case tagUint32:
		return uint32(d.uvarint())
	case tagUint64:
		return d.uvarint()
	case tagFloat32:
		return math.Float32frombits(binary.LittleEndian.Uint32(d.fixed(4)))
	case tagFloat64:
		return math.Float64frombits(binary.LittleEndian.Uint64(d.fixed(8)))
	case tagString:
		return string(d.bytes())
	case tagBytes:
		return slices.Clone(d.bytes())
	case tagTime:
		var t time.Time
		if err := t.UnmarshalBinary(d.bytes()); err != nil {
			d.fail(err)
		}
		return t
	case tagDuration:
		return time.Duration(d.varint())
	case tagNamed:
		return d.named()
	default:
		if d.depth >= maxDepth {
			d.fail(errTooDeep)
			return nil
		}
		d.depth++
		v, ok := d.collection(tag)
		d.depth--
		if ok {
			return v
		}
		d.fail(fmt.Errorf("unknown tag %d", tag))
		return nil
	}
}

// collection decodes the slices and maps the codec knows; ok is false for
// any other tag.
func (d *decoder) collection(tag byte) (any, bool) {
	switch tag {
	case tagSlice:
		n := d.count()
		s := make([]any, n)
		for i := range s {
			s[i] = d.value()
		}
		return s, true
	case tagMap:
		return d.mapValue(), true
	case tagMessages:
		n := d.count()
		s := make([]map[string]any, n)
		for i := range s {
			s[i] = d.mapValue()
		}
		return s, true
	case tagStrings:
		n := d.count()
		s := make([]string, n)
		for i := range s {
			s[i] = string(d.bytes())
		}
		return s, true
	case tagInts:
		n := d.count()
		s := make([]int, n)
		for i := range s {
			s[i] = int(d.varint())
		}
		return s, true
	case tagFloats:
		n := d.count()
		s := make([]float64, n)
		for i := range s {
			s[i] = math.Float64frombits(binary.LittleEndian.Uint64(d.fixed(8)))
		}
		return s, true
	case tagStringMap:
		n := d.count()
		m := make(map[string]string, n)
		for range n {
			k := string(d.bytes())
			m[k] = string(d.bytes())
		}
		return m, true
	}
	return nil, false
}

func (d *decoder) mapValue() map[string]any {
	n := d.count()
	m := make(map[string]any, n)
	for range n {
		if d.err != nil {
			return m
		}
		k := string(d.bytes())
		m[k] = d.value()
	}
	return m
}

func (d *decoder) named() any {
	name := string(d.bytes())
	j := d.bytes()
	if d.err != nil {
		return nil
	}
	registry.RLock()
	t, ok := registry.byName[name]
	registry.RUnlock()
	if !ok {
		d.fail(fmt.Errorf("type %s is not registered on this node: call jetstream.RegisterType", name))
		return nil
	}
	p := reflect.New(t)
	if err := unmarshalNamed(j, p.Interface(), name); err != nil {
		d.fail(fmt.Errorf("%s: %w", name, err))
		return nil
	}
	return p.Elem().Interface()
}

// RegisterTypeOf is RegisterType for the type of example.
func RegisterTypeOf(example any) { registerType(reflect.TypeOf(example)) }

package jetstream

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/routigen/routigen/runtime"
)

// What crosses the wire: a job as it is published (spec), a job's record
// once it ended (the spec's identity, its outcome) and a worker's state.
// Each starts with a format version byte, so that a later format can read
// an earlier one.

const formatV1 byte = 1

// token makes an id safe as one subject token or KV key: base64url
// without padding ([A-Za-z0-9_-] only).
func token(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

func encodeSpec(s *runtime.JobSpec) ([]byte, error) {
	b := append(make([]byte, 0, 128), formatV1)
	b = appendSpecHead(b, s)
	var err error
	if b, err = encodeValue(b, s.Data, "data"); err != nil {
		return nil, err
	}
	return encodeMessage(b, s.Metadata, "metadata")
}

func appendSpecHead(b []byte, s *runtime.JobSpec) []byte {
	for _, f := range [...]string{s.ID, s.FlowID, s.WorkerID, s.RoutineID, s.Slot} {
		b = appendString(b, f)
	}
	named := byte(0)
	if s.Named {
		named = 1
	}
	b = binary.AppendVarint(append(b, named), s.CreatedAt.UnixNano())
	var deadline int64
	if !s.Deadline.IsZero() {
		deadline = s.Deadline.UnixNano()
	}
	return binary.AppendVarint(b, deadline)
}

func (d *decoder) specHead(s *runtime.JobSpec) {
	for _, f := range [...]*string{&s.ID, &s.FlowID, &s.WorkerID, &s.RoutineID, &s.Slot} {
		*f = string(d.bytes())
	}
	s.Named = d.byte() == 1
	s.CreatedAt = time.Unix(0, d.varint())
	if n := d.varint(); n != 0 {
		s.Deadline = time.Unix(0, n)
	}
}

func (d *decoder) version() {
	if v := d.byte(); v != formatV1 && d.err == nil {
		d.fail(fmt.Errorf("format version %d, this build reads %d", v, formatV1))
	}
}

// decodeSpec reads a published job. When its head reads but its data or
// metadata does not (a type this node has not registered), the error
// comes with the spec's head: the job the message names.
func decodeSpec(b []byte) (*runtime.JobSpec, error) {
	d := &decoder{b: b}
	d.version()
	s := new(runtime.JobSpec)
	d.specHead(s)
	if d.err != nil {
		return nil, fmt.Errorf("decode job: %w", d.err)
	}
	s.Data = d.value()
	m, _ := d.value().(map[string]any)
	s.Metadata = m
	if d.err != nil {
		s.Data, s.Metadata = nil, nil
		return s, fmt.Errorf("decode job %q: %w", s.ID, d.err)
	}
	return s, nil
}

// Error kinds a record keeps, so that errors.Is works across nodes.
const (
	errOther byte = iota
	errDeadline
	errCanceled
	errPanic
)

// JobError is the error of a job that failed or was cancelled on another
// node, as its record carries it: the message, and errors.Is still matches
// context.DeadlineExceeded and context.Canceled when the original did. A
// panic comes back as a *runtime.PanicError holding the panic's text.
type JobError struct {
	Msg  string
	kind byte
}

func (e *JobError) Error() string { return e.Msg }

// Is matches the context errors the original error matched.
func (e *JobError) Is(target error) bool {
	switch e.kind {
	case errDeadline:
		return target == context.DeadlineExceeded
	case errCanceled:
		return target == context.Canceled
	}
	return false
}

// record is a job's record: its spec (without its data) and outcome.
func encodeRecord(s *runtime.JobSpec, o runtime.Outcome) []byte {
	b := append(make([]byte, 0, 96), formatV1)
	b = appendSpecHead(b, s)
	b = append(b, byte(o.Status))
	b = binary.AppendVarint(b, o.CompletedAt.UnixNano())
	kind, msg, routine, stack, fn := errOther, "", "", "", ""
	var pe *runtime.PanicError
	switch {
	case o.Err == nil:
	case errors.As(o.Err, &pe):
		kind, msg, routine, stack, fn = errPanic, fmt.Sprint(pe.Value), pe.RoutineID, string(pe.Stack), pe.Func
	case errors.Is(o.Err, context.DeadlineExceeded):
		kind, msg = errDeadline, o.Err.Error()
	case errors.Is(o.Err, context.Canceled):
		kind, msg = errCanceled, o.Err.Error()
	default:
		msg = o.Err.Error()
	}
	b = append(b, kind)
	b = appendString(appendString(appendString(b, msg), routine), stack)
	res, err := encodeValue(b, o.Result, "result")
	if err != nil {
		// The result cannot cross nodes: the job fails, saying why,
		// rather than its poster getting nothing.
		o.Status, o.Err, o.Result = runtime.JobFailed, fmt.Errorf("jetstream: job %q: %w", s.ID, err), nil
		return encodeRecord(s, o)
	}
	out, err := encodeMessage(res, s.Metadata, "metadata")
	if err != nil { // Submit encoded it once: only a type unregistered since
		out = append(res, tagNil)
	}
	// Added after the first release, last, so that older nodes, which stop
	// reading after the metadata, read newer records, and newer nodes
	// read older ones (see decodeRecord): the panicking function.
	return appendString(out, fn)
}

func decodeRecord(b []byte) (*runtime.JobSpec, runtime.Outcome, error) {
	d := &decoder{b: b}
	d.version()
	s := new(runtime.JobSpec)
	d.specHead(s)
	var o runtime.Outcome
	o.Status = runtime.JobStatus(d.byte())
	o.CompletedAt = time.Unix(0, d.varint())
	kind := d.byte()
	msg, routine, stack := string(d.bytes()), string(d.bytes()), d.bytes()
	o.Result = d.value()
	m, _ := d.value().(map[string]any)
	s.Metadata = m
	var fn string
	if d.err == nil && len(d.b) > 0 { // absent from records of older nodes
		fn = string(d.bytes())
	}
	if d.err != nil {
		return nil, o, fmt.Errorf("decode record: %w", d.err)
	}
	switch {
	case o.Status == runtime.JobCompleted:
	case kind == errPanic:
		o.Err = &runtime.PanicError{RoutineID: routine, Func: fn, Value: msg, Stack: stack}
	default:
		o.Err = &JobError{Msg: msg, kind: kind}
	}
	return s, o, nil
}

// encodeState writes a worker's state: its cells (already encoded by their
// state codecs) and its untyped per-routine state (routines, encoded here).
func encodeState(cells map[string][]byte, routines []byte) []byte {
	b := binary.AppendUvarint(append(make([]byte, 0, 64), formatV1), uint64(len(cells)))
	for _, k := range sortedKeys(cells) {
		b = appendString(appendString(b, k), string(cells[k]))
	}
	if routines == nil {
		routines = []byte{tagNil}
	}
	return append(b, routines...)
}

func encodeRoutines(m map[string]runtime.Message) ([]byte, error) {
	all := make(map[string]any, len(m))
	for k, v := range m {
		all[k] = v
	}
	return encodeValue(nil, all, "routine state")
}

func decodeState(b []byte) (runtime.WorkerSnapshot, []byte, error) {
	d := &decoder{b: b}
	d.version()
	n := d.count()
	snap := runtime.WorkerSnapshot{Cells: make(map[string][]byte, n), Routines: map[string]runtime.Message{}}
	for range n {
		k := string(d.bytes())
		snap.Cells[k] = d.bytes()
	}
	routines := d.b
	all, _ := d.value().(map[string]any)
	for k, v := range all {
		if m, ok := v.(map[string]any); ok {
			snap.Routines[k] = m
		}
	}
	if d.err != nil {
		return runtime.WorkerSnapshot{}, nil, fmt.Errorf("decode worker state: %w", d.err)
	}
	return snap, routines, nil
}

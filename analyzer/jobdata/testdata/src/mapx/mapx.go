// Package mapx holds map helpers of another package: what they do to their
// arguments reaches the jobs package as facts.
package mapx

import "maps"

// Stamp writes into m.
func Stamp(m map[string]any, k string) { m[k] = true } // want Stamp:`writes map parameters \[0\]`

// Merge writes into dst only.
func Merge(dst, src map[string]any) { maps.Copy(dst, src) } // want Merge:`writes map parameters \[0\]`

// Forget writes through another helper.
func Forget(m map[string]any) { drop(m, "k") } // want Forget:`writes map parameters \[0\]`

func drop(m map[string]any, k string) { delete(m, k) } // want drop:`writes map parameters \[0\]`

// Count reads only.
func Count(m map[string]any) int { return len(m) }

// Clone copies before writing: the argument is not written.
func Clone(m map[string]any) map[string]any {
	out := maps.Clone(m)
	out["cloned"] = true
	return out
}

// Rebound writes into a fresh map it put in the parameter.
func Rebound(m map[string]any) map[string]any {
	m = map[string]any{}
	m["k"] = 1
	return m
}

// Recorder writes into its own map, not its argument.
type Recorder struct{ seen map[string]any }

// Note copies one key of m into the recorder.
func (r *Recorder) Note(m map[string]any, k string) { r.seen[k] = m[k] }

// Mark writes into m.
func (r *Recorder) Mark(m map[string]any) { m["marked"] = r != nil } // want Mark:`writes map parameters \[0\]`

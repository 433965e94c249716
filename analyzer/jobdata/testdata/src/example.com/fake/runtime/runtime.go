// Package runtime has the runtime's names at another import path.
package runtime

type JobContext struct{ m map[string]any }

func (j *JobContext) SetData(key string, v any) { j.m[key] = v }
func (j *JobContext) DeleteData(key string)     { delete(j.m, key) }
func (j *JobContext) Data() map[string]any      { return j.m }

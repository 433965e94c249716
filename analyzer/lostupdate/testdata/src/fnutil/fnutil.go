// Package fnutil holds generic helpers over getter and setter function
// values; whether they split a read-modify-write reaches callers as a fact.
package fnutil

// Incr adds one through get and set: a split update.
func Incr[T ~int | ~float64](get func() T, set func(T)) { set(get() + 1) } // want Incr:`calls parameter 1 with a value from parameter 0`

// Apply computes first, then writes: a split update too.
func Apply[T any](get func() T, f func(T) T, set func(T)) { // want Apply:`calls parameter 2 with a value from parameter 0`
	v := get()
	v = f(v)
	set(v)
}

// Reset writes a constant: no read, no split.
func Reset[T any](get func() T, set func(T)) {
	var zero T
	set(zero)
}

// Peek only reads.
func Peek[T any](get func() T, set func(T)) T { return get() }

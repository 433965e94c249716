package runtime_test

import (
	"math"
	"sync"
	"testing"

	"github.com/routigen/routigen/runtime"
	"github.com/routigen/routigen/runtime/runtimetest"
)

// words has a scalar field of every width among fields that are not
// scalars: Word numbers only the scalar ones, in declaration order.
type words struct {
	B   bool    // word 0
	S   string  //
	I8  int8    // 1
	U16 uint16  // 2
	L   []int   //
	I32 int32   // 3
	F32 float32 // 4
	F64 float64 // 5
	I   int     // 6
	c   complex64
	u   uint64 // 7
}

// scalars are the scalar fields of words, comparable.
type scalars struct {
	B   bool
	I8  int8
	U16 uint16
	I32 int32
	F32 float32
	F64 float64
	I   int
	u   uint64
}

func wordsOf(c *runtime.Cell[words]) scalars {
	return scalars{
		B:   c.Word(0) != 0,
		I8:  int8(c.Word(1)),
		U16: uint16(c.Word(2)),
		I32: int32(c.Word(3)),
		F32: math.Float32frombits(uint32(c.Word(4))),
		F64: math.Float64frombits(c.Word(5)),
		I:   int(c.Word(6)),
		u:   c.Word(7),
	}
}

func scalarsOf(v words) scalars {
	return scalars{B: v.B, I8: v.I8, U16: v.U16, I32: v.I32, F32: v.F32, F64: v.F64, I: v.I, u: v.u}
}

// Every writer keeps the words in step with the value: Lock/Unlock,
// Update, an Update that panics.
func TestCellWordsInStep(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "r")
	c, err := runtime.JobCell[words](ctx, "words", runtime.PerRoutine)
	if err != nil {
		t.Fatal(err)
	}
	if got := wordsOf(c); got != (scalars{}) {
		t.Fatalf("a new cell's words: %+v", got)
	}
	want := words{B: true, S: "s", I8: -128, U16: 65535, I32: math.MinInt32, F32: float32(math.Inf(-1)), F64: -0.5, I: math.MinInt, u: math.MaxUint64}
	*c.Lock() = want
	c.Unlock()
	if got := wordsOf(c); got != scalarsOf(want) {
		t.Errorf("after Lock/Unlock: %+v, want %+v", got, scalarsOf(want))
	}
	c.Update(func(v *words) { v.I8, v.F64, v.B = 127, math.MaxFloat64, false })
	want.I8, want.F64, want.B = 127, math.MaxFloat64, false
	if got := wordsOf(c); got != scalarsOf(want) {
		t.Errorf("after Update: %+v, want %+v", got, scalarsOf(want))
	}
	func() {
		defer func() { _ = recover() }()
		c.Update(func(v *words) {
			v.I = 42
			panic("half way")
		})
	}()
	want.I = 42
	if got := wordsOf(c); got != scalarsOf(want) {
		t.Errorf("after a panicking Update: %+v, want %+v", got, scalarsOf(want))
	}
	// The same name seen again is the same cell, words and all.
	again, _ := runtime.JobCell[words](ctx, "words", runtime.PerRoutine)
	if got := wordsOf(again); again != c || got != scalarsOf(want) {
		t.Errorf("the cell again: %+v", got)
	}
}

// Words are read without the lock while writers hold it: go test -race
// proves the reads race-free, and every read sees a value some write
// stored whole.
func TestCellWordsConcurrent(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "r")
	c, err := runtime.JobCell[words](ctx, "words", runtime.PerRoutine)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := range 2000 {
				v := int32(i)
				if w == 1 {
					v = -v
				}
				c.Update(func(s *words) { s.I32, s.F64 = v, float64(v) })
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for range 4000 {
				i := int32(c.Word(3))
				f := math.Float64frombits(c.Word(5))
				if i < -1999 || i > 1999 || f != math.Trunc(f) || f < -1999 || f > 1999 {
					t.Errorf("torn or foreign value: %d %v", i, f)
					return
				}
			}
		})
	}
	wg.Wait()
}

package gen_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/routigen/routigen/gen/gentest"
)

var (
	propSeed = flag.Uint64("prop.seed", 1, "seed of TestRandomPackages")
	propPkgs = flag.Int("prop.pkgs", 30, "packages of TestRandomPackages")
)

// TestRandomPackages is the generator's property test: it writes a module
// of random packages (random field types: nested slices, maps, arrays,
// pointers, anonymous structs, local named types that are recursive or
// mutually recursive, also through pointers, a library's exported recursive
// type, its unexported types behind exported fields, generic types whose
// instantiated names hold spaces, time.Time), generates their accessors,
// and then requires that the module vets, that a second run finds nothing
// stale, and that, for every state type, Store and the setters keep no
// slice or map of their argument, Load returns an equal value that shares
// no slice or map with the stored one, even behind pointers, and every
// getter returns a value that shares none either. One test binary checks
// every package.
// Reproduce a failure with -prop.seed; grow it with -prop.pkgs.
func TestRandomPackages(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and tests a module of random packages")
	}
	files := map[string][]byte{
		"lib/lib.go":     []byte(propLib),
		"check/check.go": []byte(propCheck),
	}
	var calls strings.Builder
	r := rand.New(rand.NewPCG(*propSeed, 0))
	for i := range *propPkgs {
		g := &propGen{r: r, pkg: fmt.Sprintf("p%d", i)}
		files[g.pkg+"/state.go"] = g.file()
		for _, s := range g.states {
			fmt.Fprintf(&calls, "\tt.Run(%q, func(t *testing.T) {\n", g.pkg+"."+s)
			fmt.Fprintf(&calls, "\t\ta, err := %s.%sOf(ctx)\n\t\tif err != nil {\n\t\t\tt.Fatal(err)\n\t\t}\n", g.pkg, s)
			fmt.Fprintf(&calls, "\t\tcheck.Accessor[%s.%s](t, a)\n\t})\n", g.pkg, s)
		}
	}
	var imports strings.Builder
	for i := range *propPkgs {
		fmt.Fprintf(&imports, "\t\"example.com/prop/p%d\"\n", i)
	}
	files["all/all_test.go"] = fmt.Appendf(nil, propAllTest, imports.String(), calls.String())
	dir := gentest.NewModule(t, "example.com/prop", files)

	res := generate(t, dir, "./...")
	if err := res.Err(); err != nil {
		t.Fatalf("seed %d: %v", *propSeed, err)
	}
	if _, err := res.Commit(); err != nil {
		t.Fatal(err)
	}
	if again := generate(t, dir, "./..."); len(again.Stale()) != 0 {
		p := again.Stale()[0]
		t.Errorf("seed %d: stale right after a run:\n%s\nfirst stale package:\n%s", *propSeed, again.Diff(dir), files[strings.TrimPrefix(p.Path, "example.com/prop/")+"/state.go"])
	}
	for _, args := range [][]string{{"vet", "./..."}, {"test", "./all"}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("seed %d: go %s: %v\n%s\n(the module is in %s while the test runs)", *propSeed, strings.Join(args, " "), err, out, dir)
		}
	}
}

// propGen writes one random package.
type propGen struct {
	r      *rand.Rand
	pkg    string
	named  []string // local named types declared so far
	decls  strings.Builder
	states []string
}

func (g *propGen) file() []byte {
	// Local named types first: some recursive, some mutually recursive
	// (L1 refers to L0 and L0's last field back to L1), reached through
	// maps and slices.
	n := 1 + g.r.IntN(3)
	for i := range n {
		name := fmt.Sprintf("L%d", i)
		fmt.Fprintf(&g.decls, "type %s struct {\n", name)
		for j := range 1 + g.r.IntN(3) {
			fmt.Fprintf(&g.decls, "\tA%d %s\n", j, g.typ(1))
		}
		if g.r.IntN(2) == 0 {
			fmt.Fprintf(&g.decls, "\tSelf []%s\n", name)
		}
		if g.r.IntN(2) == 0 {
			// Recursive through a pointer, maybe a slice of them.
			fmt.Fprintf(&g.decls, "\tNext %s*%s\n", [...]string{"", "[]"}[g.r.IntN(2)], name)
		}
		if i > 0 && g.r.IntN(2) == 0 {
			fmt.Fprintf(&g.decls, "\tPrev map[string]L%d\n", i-1)
		}
		g.decls.WriteString("}\n\n")
		g.named = append(g.named, name)
	}
	if n > 1 {
		// Close a cycle through the last type.
		g.decls.WriteString(fmt.Sprintf("type Back struct {\n\tTo []L%d\n}\n\n", n-1))
		g.named = append(g.named, "Back")
	}
	for i := range 1 + g.r.IntN(3) {
		name := fmt.Sprintf("S%d", i)
		scope := "job"
		if g.r.IntN(3) == 0 {
			scope = "worker"
		}
		fmt.Fprintf(&g.decls, "//routigen:state scope=%s\ntype %s struct {\n", scope, name)
		for j := range 2 + g.r.IntN(5) {
			tag := ""
			if g.r.IntN(6) == 0 {
				tag = " `routigen:\"-\"`"
			}
			fmt.Fprintf(&g.decls, "\tF%d %s%s\n", j, g.typ(0), tag)
		}
		fmt.Fprintf(&g.decls, "\thidden %s\n}\n\n", g.typ(1))
		g.states = append(g.states, name)
	}
	return fmt.Appendf(nil, "package %s\n\nimport (\n\t\"time\"\n\n\t\"example.com/prop/lib\"\n)\n\nvar (\n\t_ time.Time\n\t_ lib.Node\n)\n\n%s", g.pkg, g.decls.String())
}

// typ returns a random field type, nesting less the deeper it is.
func (g *propGen) typ(depth int) string {
	if depth >= 3 {
		return [...]string{"int", "string", "bool", "float64"}[g.r.IntN(4)]
	}
	switch g.r.IntN(14) {
	case 0, 1:
		return "[]" + g.typ(depth+1)
	case 2:
		return "map[string]" + g.typ(depth+1)
	case 3:
		return "map[int]" + g.typ(depth+1)
	case 4:
		return "[2]" + g.typ(depth+1)
	case 5:
		return "*" + g.typ(depth+1)
	case 6:
		return "struct {\n\t\tX " + g.typ(depth+1) + "\n\t\tY " + g.typ(depth+1) + "\n\t}"
	case 7, 8:
		if len(g.named) > 0 {
			return [...]string{"", "", "*"}[g.r.IntN(3)] + g.named[g.r.IntN(len(g.named))]
		}
		return "[]byte"
	case 9:
		return [...]string{"lib.Node", "lib.Web"}[g.r.IntN(2)]
	case 10:
		return [...]string{"", "*"}[g.r.IntN(2)] + "lib.Holder"
	case 11:
		// A generic type, whose instantiated name may hold spaces
		// (lib.Pair[string, []int], lib.Box[struct{ A []int }]): the
		// manifest must read such names back.
		arg := [...]string{"[]int", "map[string][]string", "[2][]byte", "lib.Node", "int", "struct{ A []int }", "lib.Pair[int, bool]"}[g.r.IntN(7)]
		if len(g.named) > 0 && g.r.IntN(2) == 0 {
			arg = g.named[g.r.IntN(len(g.named))]
		}
		if g.r.IntN(2) == 0 {
			return "lib.Pair[string, " + arg + "]"
		}
		return "lib.Box[" + arg + "]"
	case 12:
		return "time.Time"
	}
	return g.typ(3)
}

// propLib is a library the random packages use: an exported recursive
// type, unexported types behind exported fields and generic types.
const propLib = `// Package lib holds types from another package.
package lib

// Node is exported and recursive.
type Node struct {
	Name  string
	Kids  []Node
	Attrs map[string][]int
}

type item struct {
	Tags []string
	N    int
}

// Holder holds unexported items (not recursive, so reachable).
type Holder struct {
	Items []item
	Index map[string]item
}

// Web is recursive only through the unexported web, which the copy
// walks inline between calls of Web's closure.
type Web struct {
	Name  string
	Links []web
}

type web struct {
	Tags []string
	Back map[string]*Web
}

// Box is generic.
type Box[V any] struct {
	Val V
}

// Pair is generic in two types: its instantiated names hold a space.
type Pair[K comparable, V any] struct {
	Key K
	Val V
}
`

// propAllTest checks every state type of every package in one binary.
const propAllTest = `package all_test

import (
	"testing"

	"example.com/prop/check"
	"github.com/routigen/routigen/runtime/runtimetest"

%s)

func TestAccessors(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "r")
%s}
`

// propCheck fills values and finds shared slices and maps by reflection.
const propCheck = `// Package check fills values and finds slices and maps two values share.
package check

import (
	"fmt"
	"reflect"
	"testing"
	"unsafe"
)

// Accessor checks the copies of an accessor of state type T: Store and
// every setter keep none of their argument's slices or maps, Load returns
// an equal value that shares none with the stored one and keeps its
// aliasing (two pointers to one target, cycles), and so does every
// getter.
func Accessor[T any](t *testing.T, a interface {
	Load() T
	Store(T)
}) {
	t.Helper()
	var v T
	Fill(reflect.ValueOf(&v).Elem(), 0)
	a.Store(v)
	l1, l2 := a.Load(), a.Load()
	if !reflect.DeepEqual(l1, v) {
		t.Errorf("Load() = %+v, want what was stored, %+v", l1, v)
	}
	if p := Shared(reflect.ValueOf(v), reflect.ValueOf(l1), "v"); p != "" {
		t.Errorf("Store kept the argument's %s", p)
	}
	if p := Split(reflect.ValueOf(v), reflect.ValueOf(l1), "v"); p != "" {
		t.Errorf("Load() points to two copies of one target, one at %s", p)
	}
	if p := Shared(reflect.ValueOf(l1), reflect.ValueOf(l2), "Load()"); p != "" {
		t.Errorf("two Loads share %s: Load returned the stored one", p)
	}
	av := reflect.ValueOf(a)
	st := reflect.TypeFor[T]()
	for i := range st.NumField() {
		f := st.Field(i)
		if !f.IsExported() || f.Tag.Get("routigen") == "-" {
			continue
		}
		get := av.MethodByName(f.Name)
		if !get.IsValid() {
			t.Errorf("no getter %s", f.Name)
			continue
		}
		g1, g2 := get.Call(nil)[0], get.Call(nil)[0]
		if !reflect.DeepEqual(g1.Interface(), reflect.ValueOf(v).Field(i).Interface()) {
			t.Errorf("%s() differs from the stored field", f.Name)
		}
		if p := Shared(g1, g2, f.Name+"()"); p != "" {
			t.Errorf("two calls of %s() share %s", f.Name, p)
		}
		set := av.MethodByName("Set" + f.Name)
		if !set.IsValid() {
			t.Errorf("no setter Set%s", f.Name)
			continue
		}
		arg := reflect.New(f.Type).Elem()
		Fill(arg, 1)
		set.Call([]reflect.Value{arg})
		if p := Shared(arg, get.Call(nil)[0], "v"); p != "" {
			t.Errorf("Set%s(v) kept %s", f.Name, p)
		}
	}
}

// Fill sets every level of v, down to a depth, with non-empty slices and
// maps and non-zero values, unexported fields included. Below the top, a
// pointer points to the first target made for its type when there is one:
// values hold aliases and cycles.
func Fill(v reflect.Value, depth int) {
	(&filler{made: map[reflect.Type]reflect.Value{}}).fill(v, depth)
}

type filler struct {
	made map[reflect.Type]reflect.Value // pointer type -> first pointer
}

func (f *filler) fill(v reflect.Value, depth int) {
	if !v.CanSet() {
		v = reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
	}
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(depth + 1))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(uint64(depth + 1))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(depth) + 0.5)
	case reflect.String:
		v.SetString(fmt.Sprint("s", depth))
	case reflect.Slice:
		if depth < 4 {
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			for i := range 2 {
				f.fill(v.Index(i), depth+1)
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			f.fill(v.Index(i), depth+1)
		}
	case reflect.Map:
		if depth < 4 {
			v.Set(reflect.MakeMap(v.Type()))
			for i := range 2 {
				k := reflect.New(v.Type().Key()).Elem()
				switch k.Kind() {
				case reflect.String:
					k.SetString(fmt.Sprint("k", i))
				case reflect.Int:
					k.SetInt(int64(i))
				}
				e := reflect.New(v.Type().Elem()).Elem()
				f.fill(e, depth+1)
				v.SetMapIndex(k, e)
			}
		}
	case reflect.Pointer:
		if p, ok := f.made[v.Type()]; ok && depth > 1 {
			v.Set(p)
		} else if depth < 4 {
			v.Set(reflect.New(v.Type().Elem()))
			if !ok {
				f.made[v.Type()] = v
			}
			f.fill(v.Elem(), depth+1)
		}
	case reflect.Struct:
		if v.Type().PkgPath() == "time" {
			return // its internals are not ours to fill
		}
		for i := range v.NumField() {
			f.fill(v.Field(i), depth+1)
		}
	}
}

// Shared returns the path of a slice or map that a and b (values of one
// type) share, or "", looking through pointers (a shared pointer is fine
// as long as nothing below it holds a slice or map). Interfaces, funcs
// and channels are shared by design and not followed.
func Shared(a, b reflect.Value, path string) string {
	return shared(a, b, path, map[[2]unsafe.Pointer]bool{})
}

func shared(a, b reflect.Value, path string, seen map[[2]unsafe.Pointer]bool) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return ""
		}
		pair := [2]unsafe.Pointer{a.UnsafePointer(), b.UnsafePointer()}
		if seen[pair] {
			return "" // a cycle: walked already
		}
		seen[pair] = true
		return shared(a.Elem(), b.Elem(), "(*"+path+")", seen)
	case reflect.Slice:
		if a.Len() > 0 && b.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := range min(a.Len(), b.Len()) {
			if p := shared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), seen); p != "" {
				return p
			}
		}
	case reflect.Array:
		for i := range a.Len() {
			if p := shared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), seen); p != "" {
				return p
			}
		}
	case reflect.Map:
		if !a.IsNil() && a.UnsafePointer() == b.UnsafePointer() {
			return path
		}
		for _, k := range a.MapKeys() {
			if bv := b.MapIndex(k); bv.IsValid() {
				if p := shared(a.MapIndex(k), bv, fmt.Sprintf("%s[%v]", path, k), seen); p != "" {
					return p
				}
			}
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name, seen); p != "" {
				return p
			}
		}
	}
	return ""
}

// Split returns the path of a pointer in b whose counterpart in a points
// to a target that an earlier pointer of a points to too, while b's
// two counterparts differ: the copy b split what a shares. Or "".
func Split(a, b reflect.Value, path string) string {
	return split(a, b, path, map[[2]any]unsafe.Pointer{})
}

func split(a, b reflect.Value, path string, seen map[[2]any]unsafe.Pointer) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return ""
		}
		key := [2]any{a.Type(), a.UnsafePointer()}
		if c, ok := seen[key]; ok {
			if c != b.UnsafePointer() {
				return path
			}
			return ""
		}
		seen[key] = b.UnsafePointer()
		return split(a.Elem(), b.Elem(), "(*"+path+")", seen)
	case reflect.Slice, reflect.Array:
		for i := range min(a.Len(), b.Len()) {
			if p := split(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), seen); p != "" {
				return p
			}
		}
	case reflect.Map:
		for _, k := range a.MapKeys() {
			if bv := b.MapIndex(k); bv.IsValid() {
				if p := split(a.MapIndex(k), bv, fmt.Sprintf("%s[%v]", path, k), seen); p != "" {
					return p
				}
			}
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if p := split(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name, seen); p != "" {
				return p
			}
		}
	}
	return ""
}
`

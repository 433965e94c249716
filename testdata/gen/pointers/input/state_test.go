package pointers

import (
	"testing"
	"time"

	"github.com/routigen/routigen/runtime/runtimetest"
)

func newCfg(name string) *Cfg {
	return &Cfg{Names: []string{name}, Attrs: map[string]int{name: 1}}
}

func newState() State {
	tree := &Node{Name: "root", Kids: []*Node{{Name: "kid", Kids: []*Node{{Name: "grandkid", Tags: map[string][]string{"t": {"g"}}}}}}}
	ring := &Node{Name: "r0", Next: &Node{Name: "r1", Next: &Node{Name: "r2", Tags: map[string][]string{"t": {"r"}}}}}
	ring.Next.Next.Next = ring
	shared := &Node{Name: "shared", Tags: map[string][]string{"t": {"s"}}}
	cfg := newCfg("pp")
	return State{
		Cfg:   newCfg("cfg"),
		Tree:  tree,
		Ring:  ring,
		A:     shared,
		B:     shared,
		Plain: &Plain{N: 1, S: "p"},
		When:  time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600)),
		ByKey: map[string]*Cfg{"k": newCfg("byKey")},
		List:  []*Cfg{newCfg("list"), nil},
		PP:    &cfg,
		Named: shared,
		Anon:  &struct{ Bytes []byte }{[]byte("anon")},
		Extra: &Extra{Notes: []string{"extra"}},
	}
}

// scribble changes every slice and map reachable through v's pointers.
func scribble(v State) {
	v.Cfg.Names[0], v.Cfg.Attrs["x"] = "scribbled", 9
	v.Tree.Kids[0].Kids[0].Tags["t"][0] = "scribbled"
	v.Tree.Kids[0].Kids = append(v.Tree.Kids[0].Kids[:0], &Node{Name: "scribbled"})
	v.Ring.Next.Next.Tags["t"][0] = "scribbled"
	v.A.Tags["t"][0] = "scribbled"
	v.ByKey["k"].Names[0] = "scribbled"
	v.List[0].Attrs["x"] = 9
	(*v.PP).Names[0] = "scribbled"
	v.Anon.Bytes[0] = 'X'
	v.Notes[0] = "scribbled"
}

// checkIntact fails unless v holds what newState built.
func checkIntact(t *testing.T, v State) {
	t.Helper()
	if v.Cfg.Names[0] != "cfg" || len(v.Cfg.Attrs) != 1 {
		t.Errorf("Cfg = %+v", *v.Cfg)
	}
	if g := v.Tree.Kids[0].Kids[0]; g.Name != "grandkid" || g.Tags["t"][0] != "g" {
		t.Errorf("grandkid = %+v", *g)
	}
	if n := v.Ring.Next.Next; n.Name != "r2" || n.Tags["t"][0] != "r" {
		t.Errorf("ring node = %+v", *n)
	}
	if v.A.Tags["t"][0] != "s" {
		t.Errorf("A.Tags = %v", v.A.Tags)
	}
	if v.ByKey["k"].Names[0] != "byKey" || len(v.List[0].Attrs) != 1 || (*v.PP).Names[0] != "pp" {
		t.Errorf("ByKey, List or PP changed: %v %v %v", *v.ByKey["k"], *v.List[0], **v.PP)
	}
	if string(v.Anon.Bytes) != "anon" || v.Notes[0] != "extra" {
		t.Errorf("Anon or Extra changed: %q %v", v.Anon.Bytes, v.Notes)
	}
}

func TestPointersAreCopied(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "r")
	a, err := StateOf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := newState()
	a.Store(in)
	scribble(in)
	out := a.Load()
	checkIntact(t, out)
	scribble(out)
	got := a.Load()
	checkIntact(t, got)
	if got.Cfg == out.Cfg || got.Tree == out.Tree || got.Tree.Kids[0] == out.Tree.Kids[0] || *got.PP == *out.PP {
		t.Error("two Loads share a pointer to what holds a slice or map")
	}
	if got.Nil != nil || got.List[1] != nil {
		t.Error("a nil pointer came back non-nil")
	}
	if !got.When.Equal(newState().When) || got.When.Location().String() != "X" {
		t.Errorf("When = %v", got.When)
	}
}

func TestCyclesAndAliasing(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "r")
	a, err := StateOf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := newState()
	a.Store(in)
	for _, v := range []State{a.Load(), a.Load()} {
		if v.Ring.Next.Next.Next != v.Ring {
			t.Error("the copied ring is not a cycle of three")
		}
		if v.Ring == in.Ring || v.Ring.Next == in.Ring.Next {
			t.Error("the copied ring shares nodes with the stored one")
		}
		if v.A != v.B {
			t.Error("A and B point to one node, their copies to two")
		}
		if v.A == in.A {
			t.Error("A's copy is the stored node")
		}
		if (*Node)(v.Named) != v.A {
			t.Error("Named and A point to one node, their copies to two")
		}
	}
	ring := a.Ring()
	if ring.Next.Next.Next != ring || ring == in.Ring {
		t.Error("the getter's ring is not a fresh cycle of three")
	}
	a.SetRing(in.Ring)
	in.Ring.Next.Tags = map[string][]string{"t": {"scribbled"}}
	if r := a.Ring(); r.Next.Tags != nil || r.Next.Next.Next != r {
		t.Errorf("SetRing kept the argument's nodes: %+v", *r.Next)
	}
}

func TestPlainPointersStayShared(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "r")
	a, err := StateOf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := newState()
	a.Store(in)
	if a.Load().Plain != in.Plain || a.Plain() != in.Plain {
		t.Error("a pointer to what holds no slice or map was copied")
	}
	if n := testing.AllocsPerRun(100, func() { _ = a.Plain() }); n != 0 {
		t.Errorf("reading Plain allocates %v times, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = a.Nil() }); n != 0 {
		t.Errorf("reading a nil pointer to what holds a slice allocates %v times, want 0", n)
	}
}

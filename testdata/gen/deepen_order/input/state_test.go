package order

import (
	"testing"

	"example.com/deepen_order/ext"

	"github.com/routigen/routigen/runtime/runtimetest"
)

// TestLoadIsDeep checks that no level of the stored value is shared.
func TestLoadIsDeep(t *testing.T) {
	ctx, _, _ := runtimetest.NewContext(t, "r")
	a, err := StateOf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := State{
		ByName: map[string]S{"a": {
			Recs: []Rec{{Name: "r", Kids: []Rec{{Name: "k", Kids: []Rec{{Name: "kk"}}}}}},
			More: map[string]S{"b": {Recs: []Rec{{Name: "deep"}}}},
		}},
		Root: Rec{Kids: []Rec{{Kids: []Rec{{Name: "x"}}}}},
		Ext:  ext.Node{Kids: []ext.Node{{Kids: []ext.Node{{Name: "e"}}}}},
		Held: ext.NewHolder("t"),
		Web:  ext.NewWeb("w", "kid"),
	}
	a.Store(in)
	in.ByName["a"].Recs[0].Kids[0].Kids[0].Name = "changed by caller"
	in.Root.Kids[0].Kids[0].Name = "changed by caller"
	out := a.Load()
	out.ByName["a"].Recs[0].Kids[0].Kids[0].Name = "changed"
	out.ByName["a"].More["b"].Recs[0].Name = "changed"
	out.Root.Kids[0].Kids[0].Name = "changed"
	out.Ext.Kids[0].Kids[0].Name = "changed"
	out.Held.SetTag("changed")
	out.Web.SetKid("changed")
	got := a.Load()
	if n := got.ByName["a"].Recs[0].Kids[0].Kids[0].Name; n != "kk" {
		t.Errorf("nested rec = %q, want kk", n)
	}
	if n := got.ByName["a"].More["b"].Recs[0].Name; n != "deep" {
		t.Errorf("rec of nested S = %q, want deep", n)
	}
	if n := got.Root.Kids[0].Kids[0].Name; n != "x" {
		t.Errorf("root grandchild = %q, want x", n)
	}
	if n := got.Ext.Kids[0].Kids[0].Name; n != "e" {
		t.Errorf("foreign grandchild = %q, want e", n)
	}
	if kid := got.Web.Kid(); kid != "kid" {
		t.Errorf("web behind an unexported link = %q, want kid", kid)
	}
	if tag := got.Held.Tag(); tag != "t" {
		t.Errorf("tag of an unexported foreign item = %q, want t", tag)
	}
	held := a.Held()
	held.SetTag("changed")
	if tag := a.Held().Tag(); tag != "t" {
		t.Errorf("getter shared the unexported foreign items: %q", tag)
	}
	m := a.ByName()
	m["a"].Recs[0].Name = "changed"
	if n := a.Load().ByName["a"].Recs[0].Name; n != "r" {
		t.Errorf("getter shared the stored records: %q", n)
	}
}

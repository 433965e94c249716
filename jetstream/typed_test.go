package jetstream

import (
	"context"
	"testing"
	"time"

	"github.com/routigen/routigen/runtime"
)

// shipment is registered nowhere: only the typed ports of the flow below
// name it.
type shipment struct {
	ID    int
	Items []string
}

var (
	shipIn  = runtime.NewIn[shipment]("ship")
	shipOut = runtime.NewOut[shipment]("shipped")
)

func shipFlow(t testing.TB) *runtime.Flow {
	f := runtime.NewFlow("ship")
	if err := f.Add("pack", runtime.NewRoutine("pack").In(shipIn).Out(shipOut).Logic(func(ctx context.Context, in runtime.Input) error {
		job, err := runtime.RequireJob(ctx)
		if err != nil {
			return err
		}
		for _, s := range shipIn.From(in) {
			s.Items = append(s.Items, "packed")
			job.SetResult(s)
		}
		return nil
	})); err != nil {
		t.Fatal(err)
	}
	return f
}

// A typed slot's payload crosses nodes, and keeps its Go type, without a
// RegisterType: every node registers the flow, whose ports name the type.
func TestTypedPayloadWithoutRegisterType(t *testing.T) {
	s := testServer(t)
	p := newPrefix()
	front, _ := testNode(t, s, p, runtime.PostOnly())
	back, _ := testNode(t, s, p, runtime.WithNodeID("back"))
	register(t, front, shipFlow(t))
	register(t, back, shipFlow(t))
	ctx := timeout(t, 15*time.Second)
	job, err := shipIn.Post(ctx, front, "ship", "pack", shipment{ID: 7, Items: []string{"box"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	got, ok := job.Result().(shipment)
	if !ok || got.ID != 7 || len(got.Items) != 2 || got.Items[1] != "packed" {
		t.Errorf("result %T %#v, want the shipment, packed", job.Result(), job.Result())
	}
}

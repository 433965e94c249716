package p

import (
	"context"
	"testing"
)

func TestCodec(t *testing.T) {
	v := S{N: []int{1}, P: Padded{Tags: []string{"a"}}, F: 1.5, B: true}
	b, err := codecOfS.Encode(&v)
	if err != nil {
		t.Fatal(err)
	}
	var got S
	if err := codecOfS.Decode(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.N[0] != 1 || got.P.Tags[0] != "a" || got.F != 1.5 || !got.B {
		t.Fatalf("decoded %+v", got)
	}
	if _, err := SOf(context.Background()); err == nil {
		t.Fatal("SOf without a worker succeeded")
	}
}

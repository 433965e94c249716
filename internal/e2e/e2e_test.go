package e2e

import (
	"slices"
	"strings"
	"testing"
)

func TestNamedCheck(t *testing.T) {
	for text, want := range map[string]string{
		`jobdata: job.SetData writes raw job data under the flat key "k"`:                     "jobdata",
		"lostupdate: lost update: s.SetN writes a value computed from s.N()":                  "lostupdate",
		"nilfallback: nilfallback: runtime.JobFromContext falls back when the job is missing": "",
		"job.SetData writes raw job data":                                                     "",
		"workerkey: a constant key; see jobdata":                                              "",
		"":                                                                                    "",
	} {
		if got := NamedCheck(text); got != want {
			t.Errorf("NamedCheck(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestWantComments(t *testing.T) {
	src := "package p\n\nfunc f() {\n\tg() // want jobdata\n\th() // wanted\n\t// want lostupdate\n}\n"
	got := WantComments(src, "p/p.go")
	if want := []string{"p/p.go:4 jobdata", "p/p.go:6 lostupdate"}; !slices.Equal(got, want) {
		t.Errorf("WantComments = %q, want %q", got, want)
	}
}

func TestFallThroughProxy(t *testing.T) {
	p, err := FallThroughProxy()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p, "GOPROXY=") || !strings.HasSuffix(p, "|off") || strings.Contains(p, ",direct|") {
		t.Errorf("FallThroughProxy = %q", p)
	}
}

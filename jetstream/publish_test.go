package jetstream

import (
	"os"
	"regexp"
	"testing"
)

// TestPublishable checks that the module can be consumed as published: it
// requires the root module at a release (the one it is tagged with, as the
// golangci plugin does), not at a pseudo-version that only the local replace
// can satisfy — consumers ignore our replace, and `go get` of the module
// would fail on a version that does not exist.
func TestPublishable(t *testing.T) {
	src, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?github\.com/routigen/routigen (v\S+)`).FindSubmatch(src)
	if m == nil {
		t.Fatal("go.mod does not require github.com/routigen/routigen")
	}
	if v := string(m[1]); !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(v) {
		t.Errorf("go.mod requires github.com/routigen/routigen %s, want a release (vX.Y.Z): consumers ignore our replace", v)
	}
	golangci, err := os.ReadFile("../analyzer/golangci/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if g := regexp.MustCompile(`(?m)^\s*github\.com/routigen/routigen (v\S+)`).FindSubmatch(golangci); g == nil || string(g[1]) != string(m[1]) {
		t.Errorf("jetstream requires the root module at %s, the golangci plugin at %q: the nested modules are released together with the root", m[1], g)
	}
}

package golangci_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestPublishable checks that the module can be consumed as published: its
// requirement on the root module is a release, not a pseudo-version that
// only the local replace can satisfy, and the .custom-gcl.yml recipes of
// both READMEs pin the plugin at that version and golangci-lint at the one
// TestRealGolangciLint builds.
func TestPublishable(t *testing.T) {
	version := rootRequirement(t)
	if !regexp.MustCompile(`^v\d+\.\d+\.\d+$`).MatchString(version) {
		t.Errorf("go.mod requires github.com/routigen/routigen %s, want a release (vX.Y.Z): consumers ignore our replace", version)
	}
	for _, readme := range []string{"README.md", "../../README.md"} {
		src := readFile(t, readme)
		i := strings.Index(src, "plugins:\n  - module: github.com/routigen/routigen/analyzer/golangci\n")
		if i < 0 {
			t.Errorf("%s: no .custom-gcl.yml recipe for the plugin", readme)
			continue
		}
		start := strings.LastIndex(src[:i], "```yaml\n")
		end := i + strings.Index(src[i:], "```")
		recipe := src[start:end]
		if want := "\nversion: " + golangciVersion + "\n"; !strings.Contains(recipe, want) {
			t.Errorf("%s: .custom-gcl.yml does not pin golangci-lint %s:\n%s", readme, golangciVersion, recipe)
		}
		if want := "\n    version: " + version + "\n"; !strings.Contains(recipe, want) {
			t.Errorf("%s: .custom-gcl.yml does not pin the plugin at %s, the version go.mod requires of the root module:\n%s", readme, version, recipe)
		}
	}
}

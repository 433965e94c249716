package jetstream

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Every command the README's JetStream section shows runs here, verbatim,
// from this module's directory, and does what the README says.
func TestREADMECommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example")
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const heading = "## Durable execution (JetStream)\n"
	_, section, ok := strings.Cut(string(readme), heading)
	if !ok {
		t.Fatalf("README has no %q section", strings.TrimSpace(heading))
	}
	section, _, _ = strings.Cut(section, "\n## ")
	want := map[string]string{
		"go run ./examples/failover":                    "all 300 jobs completed",
		"go doc github.com/routigen/routigen/jetstream": "What runs twice",
	}
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile("`(go [^`]+)`").FindAllStringSubmatch(section, -1) {
		cmd := m[1]
		if seen[cmd] {
			continue
		}
		seen[cmd] = true
		out, ok := want[cmd]
		if !ok {
			t.Errorf("the README shows %q: this test does not know what it must do", cmd)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		got, err := exec.CommandContext(ctx, "sh", "-c", cmd).CombinedOutput()
		cancel()
		if err != nil || !strings.Contains(string(got), out) {
			t.Errorf("%s: %v, want %q in\n%s", cmd, err, out, got)
		}
	}
	for cmd := range want {
		if !seen[cmd] {
			t.Errorf("the README no longer shows %q", cmd)
		}
	}
}

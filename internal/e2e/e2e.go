package e2e

import (
	"bufio"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"

	"github.com/routigen/routigen/analyzer"
)

// FallThroughProxy returns the environment entry that lets a module proxy
// answering 403 (not 404) for this checkout's unpublished module paths fall
// through to "off", so that a replace directive to the checkout stands.
func FallThroughProxy() (string, error) {
	out, err := exec.Command("go", "env", "GOPROXY").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOPROXY: %w", err)
	}
	return "GOPROXY=" + strings.TrimSuffix(strings.TrimSpace(string(out)), ",direct") + "|off", nil
}

// WantComments returns "file:line check" for every line of src that ends
// in a `// want CHECK` comment, sorted.
func WantComments(src, file string) []string {
	re := regexp.MustCompile(`// want (\w+)$`)
	var want []string
	sc := bufio.NewScanner(strings.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			want = append(want, fmt.Sprintf("%s:%d %s", file, line, m[1]))
		}
	}
	slices.Sort(want)
	return want
}

// NamedCheck returns the check a diagnostic's text names, or "" unless
// exactly one check's name occurs in it, exactly once: the rule every
// driver's output keeps, so that the name to put in //routigen:ignore is in
// front of the user.
func NamedCheck(text string) string {
	var named []string
	for _, a := range analyzer.All() {
		switch strings.Count(text, a.Name) {
		case 0:
		case 1:
			named = append(named, a.Name)
		default:
			return ""
		}
	}
	if len(named) != 1 {
		return ""
	}
	return named[0]
}

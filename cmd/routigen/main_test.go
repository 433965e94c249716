package main

import (
	"slices"
	"strings"
	"testing"
)

// TestDispatch pins the rule that tells a subcommand from a package
// pattern: a bare word is a subcommand, anything with "/" or "." or a
// leading "-" is gen's.
func TestDispatch(t *testing.T) {
	for _, c := range []struct {
		args []string
		cmd  string
		rest []string
	}{
		{nil, "gen", nil},
		{[]string{"./p"}, "gen", []string{"./p"}},
		{[]string{"."}, "gen", []string{"."}},
		{[]string{"./..."}, "gen", []string{"./..."}},
		{[]string{"..."}, "gen", []string{"..."}},
		{[]string{"pkg/path", "q"}, "gen", []string{"pkg/path", "q"}},
		{[]string{"example.com/m"}, "gen", []string{"example.com/m"}},
		{[]string{"-tags", "x", "./p"}, "gen", []string{"-tags", "x", "./p"}},
		{[]string{"gen", "lnt"}, "gen", []string{"lnt"}},
		{[]string{"check", "./..."}, "check", []string{"./..."}},
		{[]string{"lint", "-json", "./..."}, "lint", []string{"-json", "./..."}},
		{[]string{"explain", "jobdata"}, "explain", []string{"jobdata"}},
		{[]string{"help"}, "help", []string{}},
		{[]string{"--help"}, "help", []string{}},
	} {
		cmd, rest, err := subcommand(c.args)
		if err != nil || cmd != c.cmd || !slices.Equal(rest, c.rest) {
			t.Errorf("subcommand(%q) = %q, %q, %v; want %q, %q", c.args, cmd, rest, err, c.cmd, c.rest)
		}
	}
}

// TestUnknownSubcommand checks that a mistyped subcommand is a usage error
// naming every subcommand, not a package lookup.
func TestUnknownSubcommand(t *testing.T) {
	for _, word := range []string{"lnt", "generate", "fmt", "all"} {
		r := routigen(t, word, "./...")
		r.want(t, exitUsage, word)
		first, _, _ := strings.Cut(r.stderr, "\n")
		for _, want := range append([]string{`unknown subcommand "` + word + `"`, "routigen gen " + word}, subcommands...) {
			if !strings.Contains(first, want) {
				t.Errorf("%s: first line %q lacks %q", word, first, want)
			}
		}
		if !strings.Contains(r.stderr, usage) || r.stdout != "" {
			t.Errorf("%s: usage not on stderr alone:\nstdout: %s\nstderr: %s", word, r.stdout, r.stderr)
		}
		if strings.Contains(r.stderr, "not in std") {
			t.Errorf("%s: looked up as a package: %s", word, r.stderr)
		}
	}
}

package directive

import (
	"fmt"
	"go/ast"
	"strings"
	"unicode"
)

// Near reports a comment that looks like a routigen directive but is not
// read as one: "// routigen:state" (a space after the slashes),
// "//Routigen:state" (upper case) or a misspelt prefix such as
// "//routgen:state" followed by a directive name. Go reads directives only
// in the exact form //routigen:NAME, so such a comment is silently ignored
// — the type gets no accessors, the finding is not suppressed. It returns
// nil for an exact directive and for ordinary prose.
func Near(c *ast.Comment) *Error {
	text := c.Text
	if Is(text) || !strings.HasPrefix(text, "//") {
		return nil
	}
	body := strings.TrimPrefix(text, "//")
	trimmed := strings.TrimLeft(body, " \t")
	word, rest, ok := strings.Cut(trimmed, ":")
	if !ok || word == "" || strings.ContainsFunc(word, func(r rune) bool { return !unicode.IsLetter(r) }) {
		return nil
	}
	name, _ := split(Prefix + strings.TrimLeft(rest, " \t"))
	_, known := Lookup(name)
	lower := strings.ToLower(word)
	// The prefix mis-cased, after a space or misspelt, before a real
	// directive name (so prose such as "routing: state" is left alone).
	if !known || len(word) < 6 || distance(lower, "routigen") > 2 || lower == "routine" || lower == "routines" {
		// routine is two edits from routigen, but it is the word for
		// what routigen runs: "// Routine: state ..." is prose.
		return nil
	}
	written := text[:len(text)-len(rest)]
	return &Error{c.Pos(), fmt.Sprintf("%q is not read as a directive: write %s%s (no space after //, lower case)", written, Prefix, name)}
}

// distance is the Levenshtein distance of two short ASCII words.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

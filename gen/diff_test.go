package gen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestUnifiedDiffExample(t *testing.T) {
	a := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	b := "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n"
	got := UnifiedDiff("a/x", "b/x", a, b)
	want := `--- a/x
+++ b/x
@@ -1,10 +1,11 @@
 a
 b
 c
-d
+D
 e
 f
 g
 h
 i
 j
+k
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// Changes further apart than twice the context make two hunks.
	a2 := a + "k\nl\nm\n"
	b2 := strings.Replace(a2, "m\n", "M\n", 1)
	b2 = strings.Replace(b2, "b\n", "B\n", 1)
	if got := UnifiedDiff("a", "b", a2, b2); strings.Count(got, "@@ -") != 2 {
		t.Errorf("want two hunks:\n%s", got)
	}
	if UnifiedDiff("a", "b", a, a) != "" {
		t.Error("diff of equal texts is not empty")
	}
	if got := UnifiedDiff("a", "b", "x", "y\n"); !strings.Contains(got, "\\ No newline at end of file") {
		t.Errorf("missing no-newline marker:\n%s", got)
	}
}

// TestUnifiedDiffApplies applies the diffs of random texts and checks that
// they turn a into b.
func TestUnifiedDiffApplies(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gen := func() string {
		var sb strings.Builder
		for range r.IntN(40) {
			sb.WriteString(strconv.Itoa(r.IntN(6)) + "\n")
		}
		return sb.String()
	}
	for i := range 500 {
		a, b := gen(), gen()
		d := UnifiedDiff("a", "b", a, b)
		got, err := apply(a, d)
		if err != nil || got != b {
			t.Fatalf("case %d: apply: %v\na=%q\nb=%q\ndiff:\n%s\ngot=%q", i, err, a, b, d, got)
		}
	}
}

// apply is a minimal patch(1) for diffs without no-newline markers.
func apply(a, d string) (string, error) {
	if d == "" {
		return a, nil
	}
	al := splitLines(a)
	var out []string
	next := 0 // next line of a to copy
	lines := splitLines(d)[2:]
	for i := 0; i < len(lines); {
		var as, an, bs, bn int
		h := strings.TrimSpace(lines[i])
		if _, err := fmt.Sscanf(h, "@@ -%s +%s @@", new(string), new(string)); err != nil {
			return "", fmt.Errorf("bad hunk header %q", h)
		}
		f := strings.Fields(h)
		as, an = rng(f[1][1:])
		bs, bn = rng(f[2][1:])
		_, _ = bs, bn
		start := as - 1
		if an == 0 {
			start = as
		}
		out = append(out, al[next:start]...)
		next = start
		i++
		for ; i < len(lines) && !strings.HasPrefix(lines[i], "@@"); i++ {
			l := lines[i]
			switch l[0] {
			case ' ':
				out = append(out, al[next])
				next++
			case '-':
				next++
			case '+':
				out = append(out, l[1:])
			}
		}
	}
	out = append(out, al[next:]...)
	return strings.Join(out, ""), nil
}

func rng(s string) (start, n int) {
	a, b, ok := strings.Cut(s, ",")
	start, _ = strconv.Atoi(a)
	n = 1
	if ok {
		n, _ = strconv.Atoi(b)
	}
	return start, n
}

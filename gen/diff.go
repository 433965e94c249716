package gen

import (
	"fmt"
	"strings"
)

// diffContext is the number of unchanged lines around each hunk.
const diffContext = 3

type opKind byte

const (
	opEq  opKind = ' '
	opDel opKind = '-'
	opIns opKind = '+'
)

type diffOp struct {
	kind opKind
	a, b int // line indexes in a and b (before the op)
}

// UnifiedDiff returns the unified diff of a and b (whole files), or "" when
// they are equal.
func UnifiedDiff(fromName, toName, a, b string) string {
	if a == b {
		return ""
	}
	al, bl := splitLines(a), splitLines(b)
	ops := myers(al, bl)
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", fromName, toName)
	// Group ops into hunks.
	for i := 0; i < len(ops); {
		// Find the next change.
		for i < len(ops) && ops[i].kind == opEq {
			i++
		}
		if i == len(ops) {
			break
		}
		start := max(i-diffContext, 0)
		// Extend while changes are within 2*context of each other.
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != opEq {
				end = j
			} else if j-end > 2*diffContext {
				break
			}
		}
		stop := min(end+diffContext+1, len(ops))
		aStart, bStart := ops[start].a, ops[start].b
		var aN, bN int
		var body strings.Builder
		for _, op := range ops[start:stop] {
			var line string
			switch op.kind {
			case opEq:
				line = al[op.a]
				aN++
				bN++
			case opDel:
				line = al[op.a]
				aN++
			case opIns:
				line = bl[op.b]
				bN++
			}
			body.WriteByte(byte(op.kind))
			body.WriteString(line)
			if !strings.HasSuffix(line, "\n") {
				body.WriteString("\n\\ No newline at end of file\n")
			}
		}
		fmt.Fprintf(&sb, "@@ -%s +%s @@\n", hunkRange(aStart, aN), hunkRange(bStart, bN))
		sb.WriteString(body.String())
		i = stop
	}
	return sb.String()
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits s into lines that keep their "\n".
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// myers returns a shortest edit script from a to b (Myers' O(ND)
// algorithm), as a sequence of equal, delete and insert operations.
func myers(a, b []string) []diffOp {
	n, m := len(a), len(b)
	maxD := n + m
	if n == 0 || m == 0 {
		// Nothing to align, or too far apart to be worth it: replace all.
		return replaceAll(n, m)
	}
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	var trace [][]int
	for d := 0; d <= min(maxD, maxDiffEdits); d++ {
		// Snapshot the diagonals -d..d (the only ones step d reads).
		trace = append(trace, append([]int(nil), v[off-d:off+d+1]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, n, m, d)
			}
		}
	}
	return replaceAll(n, m)
}

func backtrack(trace [][]int, n, m, dEnd int) []diffOp {
	var rev []diffOp
	x, y := n, m
	for d := dEnd; d >= 0; d-- {
		k := x - y
		var prevK int
		pv := trace[d] // diagonals -d..d before step d, at index k+d
		off := d
		if d == 0 {
			for x > 0 && y > 0 {
				x--
				y--
				rev = append(rev, diffOp{opEq, x, y})
			}
			break
		}
		if k == -d || (k != d && pv[off+k-1] < pv[off+k+1]) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := pv[off+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, diffOp{opEq, x, y})
		}
		if x == prevX {
			y--
			rev = append(rev, diffOp{opIns, x, y})
		} else {
			x--
			rev = append(rev, diffOp{opDel, x, y})
		}
	}
	ops := make([]diffOp, len(rev))
	for i, op := range rev {
		ops[len(rev)-1-i] = op
	}
	return ops
}

// maxDiffEdits bounds the work (and memory) of myers; files further apart
// are shown as replaced whole.
const maxDiffEdits = 4000

func replaceAll(n, m int) []diffOp {
	ops := make([]diffOp, 0, n+m)
	for i := range n {
		ops = append(ops, diffOp{opDel, i, 0})
	}
	for j := range m {
		ops = append(ops, diffOp{opIns, n, j})
	}
	return ops
}

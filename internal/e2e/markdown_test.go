package e2e

import (
	"regexp"
	"strings"
	"testing"
)

// markdown is a README split at its "## " headings; part 0 is what comes
// before the first.
type markdown struct {
	titles []string
	parts  []part
}

// part is the text of one section.
type part string

func parseMarkdown(src string) markdown {
	var md markdown
	title, body := "", []string{}
	fenced := false
	flush := func() {
		md.titles = append(md.titles, title)
		md.parts = append(md.parts, part(strings.Join(body, "\n")))
	}
	for line := range strings.SplitSeq(src, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if !fenced && strings.HasPrefix(line, "## ") {
			flush()
			title, body = strings.TrimPrefix(line, "## "), nil
			continue
		}
		body = append(body, line)
	}
	flush()
	return md
}

func (md markdown) preamble() part { return md.parts[0] }

// section returns the section titled title, or "" (then the test that
// needs it fails on what it does not find).
func (md markdown) section(title string) part {
	for i, t := range md.titles {
		if t == title {
			return md.parts[i]
		}
	}
	return ""
}

// block is a fenced code block and the text between it and the block before.
type block struct {
	lang, body, before string
}

func (p part) blocks() []block {
	var out []block
	var cur *block
	var text []string
	for line := range strings.SplitSeq(string(p), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &block{lang: strings.TrimPrefix(line, "```"), before: strings.Join(text, "\n")}
			text = nil
		case cur != nil && line == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.body += line + "\n"
		default:
			text = append(text, line)
		}
	}
	return out
}

// shCommands returns the command lines of the part's sh blocks, in order,
// without blank lines and comments.
func (p part) shCommands() []string {
	var cmds []string
	for _, b := range p.blocks() {
		if b.lang != "sh" {
			continue
		}
		for line := range strings.SplitSeq(b.body, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				cmds = append(cmds, line)
			}
		}
	}
	return cmds
}

// goSpans returns the part's inline code spans that are go commands.
func (p part) goSpans() []string {
	var cmds []string
	for _, m := range regexp.MustCompile("`(go [^`]+)`").FindAllStringSubmatch(string(p), -1) {
		cmds = append(cmds, m[1])
	}
	return cmds
}

// goFiles returns the part's go blocks that are whole files, by name: a
// package main block is main.go; any other names its file in the text
// before it, as `dir/name.go` (the last such name). A block without a package clause is an
// excerpt and is skipped.
func (p part) goFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, b := range p.blocks() {
		if b.lang != "go" {
			continue
		}
		m := regexp.MustCompile(`^package (\w+)\n`).FindStringSubmatch(b.body)
		if m == nil {
			continue
		}
		name := "main.go"
		if m[1] != "main" {
			all := regexp.MustCompile("`("+m[1]+`/\w+\.go)`+"`").FindAllStringSubmatch(b.before, -1)
			if all == nil {
				t.Fatalf("README: the go block of package %s does not name its file as `%s/NAME.go` in the text before it", m[1], m[1])
			}
			name = all[len(all)-1][1] // the last: the text may mention other files first
		}
		if _, dup := files[name]; dup {
			t.Fatalf("README: two go blocks for %s", name)
		}
		files[name] = b.body
	}
	if len(files) == 0 {
		t.Fatal("README: the tour has no Go files")
	}
	return files
}

// TestMarkdown checks the parser on the shapes the README uses.
func TestMarkdown(t *testing.T) {
	md := parseMarkdown("# t\n\n```sh\n# c\ngo a\n\n## not a heading\n```\n\n## One\n\ntext `x/y.go`\n\n```go\npackage x\n```\n\n| `go run ./z` | shows |\n\n## Two\n```go\nf()\n```\n")
	if got := md.preamble().shCommands(); len(got) != 1 || got[0] != "go a" {
		t.Errorf("preamble commands %q", got)
	}
	files := md.section("One").goFiles(t)
	if len(files) != 1 || files["x/y.go"] != "package x\n" {
		t.Errorf("files %q", files)
	}
	if got := md.section("One").goSpans(); len(got) != 1 || got[0] != "go run ./z" {
		t.Errorf("spans %q", got)
	}
	if md.section("Two") == "" || md.section("Three") != "" || len(md.section("Two").blocks()) != 1 {
		t.Error("sections")
	}
}

// Package docs extracts an analyzer's documentation from its doc.go, the
// way golang.org/x/tools/go/analysis/passes do: the package comment's
// "# Analyzer NAME" section is the Analyzer's Doc, so `go doc`, the
// checker's help and `routigen explain` show the same text.
package docs

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// MustExtract returns the "# Analyzer name" section of the package comment
// of content (the source of a doc.go), without its heading. The section
// starts with a one-line summary written "name: summary"; like x/tools'
// extractor, MustExtract drops the "name:" so Doc starts with the summary.
// It panics when the section is missing or does not start with "name: ".
func MustExtract(content, name string) string {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", content, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		panic(fmt.Sprintf("docs: %v", err))
	}
	text := packageDoc(f)
	heading := "# Analyzer " + name
	_, after, ok := strings.Cut(text, "\n"+heading+"\n")
	if !ok {
		panic(fmt.Sprintf("docs: doc.go has no %q section", heading))
	}
	// The section ends at the next heading of the same level.
	if i := strings.Index(after, "\n# "); i >= 0 {
		after = after[:i]
	}
	after = strings.TrimSpace(after)
	rest, ok := strings.CutPrefix(after, name+": ")
	if !ok {
		panic(fmt.Sprintf("docs: section %q must start with %q", heading, name+": "))
	}
	return strings.TrimSpace(rest)
}

func packageDoc(f *ast.File) string {
	if f.Doc == nil {
		return ""
	}
	var lines []string
	for _, c := range f.Doc.List {
		t := strings.TrimPrefix(c.Text, "//")
		t = strings.TrimPrefix(t, " ")
		lines = append(lines, t)
	}
	return "\n" + strings.Join(lines, "\n") + "\n"
}

package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/routigen/routigen/analyzer"
	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/internal/directive"
)

// explain prints the documentation of every directive (with its options)
// and every check, or of the one named.
func explain(args []string, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		fmt.Fprintln(stderr, "usage: routigen explain [directive|check|manifest]")
		return exitUsage
	}
	checks := analyzer.All()
	if len(args) == 0 {
		fmt.Fprintln(stdout, "Directives")
		for _, s := range directive.Directives {
			fmt.Fprintln(stdout)
			explainDirective(stdout, s)
		}
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, "Checks (routigen lint, go vet -vettool)")
		if len(checks) == 0 {
			fmt.Fprintln(stdout, "\n  (none registered in this build)")
		}
		for _, a := range checks {
			fmt.Fprintln(stdout)
			explainCheck(stdout, a)
		}
		fmt.Fprintln(stdout)
		explainManifest(stdout)
		return exitOK
	}
	if args[0] == "manifest" {
		explainManifest(stdout)
		return exitOK
	}
	// A directive may be named as written in source (//routigen:state),
	// without its slashes (routigen:state) or bare (state); an option
	// (scope, shared, key) by itself, which explains its directive.
	name := strings.TrimPrefix(strings.TrimPrefix(args[0], "//"), strings.TrimPrefix(directive.Prefix, "//"))
	if s, ok := directive.Lookup(name); ok {
		explainDirective(stdout, s)
		return exitOK
	}
	for _, s := range directive.Directives {
		if _, ok := s.Option(name); ok {
			explainDirective(stdout, s)
			return exitOK
		}
	}
	for _, a := range checks {
		if a.Name == name {
			explainCheck(stdout, a)
			return exitOK
		}
	}
	var known []string
	for _, s := range directive.Directives {
		known = append(known, s.Name)
	}
	for _, a := range checks {
		known = append(known, a.Name)
	}
	known = append(known, "manifest")
	sort.Strings(known)
	fmt.Fprintf(stderr, "routigen explain: unknown directive or check %q (known: %s)\n", args[0], strings.Join(known, ", "))
	return exitUsage
}

func explainDirective(w io.Writer, s directive.Spec) {
	fmt.Fprintf(w, "%s%s\n\n", directive.Prefix, s.Name)
	fmt.Fprintf(w, "  usage: %s\n\n", s.Usage)
	indent(w, s.Doc, "  ")
	if len(s.Options) > 0 {
		fmt.Fprintln(w, "\n  options:")
		for _, o := range s.Options {
			head := o.Name
			if o.Value != "" {
				head += "=" + o.Value
			}
			var notes []string
			if o.Required {
				notes = append(notes, "required")
			}
			if len(o.Values) > 0 {
				notes = append(notes, "one of "+strings.Join(o.Values, ", "))
			}
			if len(notes) > 0 {
				head += " (" + strings.Join(notes, "; ") + ")"
			}
			fmt.Fprintf(w, "\n    %s\n", head)
			indent(w, o.Doc, "      ")
		}
	}
	if s.Example != "" {
		fmt.Fprintln(w, "\n  example:")
		fmt.Fprintln(w)
		for l := range strings.SplitSeq(s.Example, "\n") {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
}

func explainManifest(w io.Writer) {
	fmt.Fprintf(w, "State manifest (%s; routigen gen, routigen check)\n\n", gen.ManifestName)
	indent(w, gen.ManifestDoc, "  ")
}

func explainCheck(w io.Writer, a *analysis.Analyzer) {
	fmt.Fprintf(w, "%s (check)\n\n", a.Name)
	indent(w, a.Doc, "  ")
	if a.URL != "" {
		fmt.Fprintf(w, "\n  %s\n", a.URL)
	}
}

// indent writes text word-wrapped at 76 columns, each line behind prefix;
// paragraphs (blank-line separated) and indented lines are kept.
func indent(w io.Writer, text, prefix string) {
	for i, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if i > 0 {
			fmt.Fprintln(w)
		}
		var line strings.Builder
		flush := func() {
			if line.Len() > 0 {
				fmt.Fprintln(w, prefix+line.String())
				line.Reset()
			}
		}
		for raw := range strings.SplitSeq(para, "\n") {
			if code, ok := codeLine(raw); ok {
				flush()
				fmt.Fprintln(w, strings.TrimRight(prefix+"  "+code, " "))
				continue
			}
			for _, word := range strings.Fields(raw) {
				if line.Len() > 0 && len(prefix)+line.Len()+1+len(word) > 76 {
					flush()
				}
				if line.Len() > 0 {
					line.WriteByte(' ')
				}
				line.WriteString(word)
			}
		}
		flush()
	}
}

// codeLine reports whether raw is a line of a doc comment's code block
// (indented by a tab or spaces) and returns it without the block's own
// indentation, keeping the code's (tabs as four spaces).
func codeLine(raw string) (string, bool) {
	var rest string
	switch {
	case strings.HasPrefix(raw, "\t"):
		rest = raw[1:]
	case strings.HasPrefix(raw, "  "):
		// A list: keep the items' continuation lines indented under them.
		rest = raw[2:]
	default:
		return "", false
	}
	return strings.ReplaceAll(rest, "\t", "    "), true
}

package directive

import (
	"go/parser"
	"go/token"
	"testing"
)

// FuzzParseFile feeds arbitrary Go files to ParseFile and arbitrary
// comment texts to ParseState and ParseIgnore: none may panic, and every
// error must lie inside the file.
func FuzzParseFile(f *testing.F) {
	for _, seed := range []string{
		"package p\n\n//routigen:state scope=job\ntype S struct{ N int }\n",
		"package p\n\n//routigen:state scope=worker shared key=k\ntype S struct{ N int }\n",
		"package p\n\ntype (\n\t//routigen:state scope=job\n\tA struct{}\n\tB struct{}\n)\n",
		"package p\n\n//routigen:state\ntype S int\n",
		"package p\n\n//routigen:state scope=job\ntype G[T any] struct{ V T }\n",
		"package p\n\n//routigen:state scope=job\ntype A = B\n",
		"package p\n\n//routigen:\nfunc f() {}\n",
		"package p\n\n//routigen:state scope=job scope=job\n//routigen:state scope=job\ntype S struct{}\n",
		"package p\n\nfunc f() {\n\tx := 1 //routigen:ignore jobdata why\n}\n",
		"package p\n\n//routigen:state \xff\ntype S struct{}\n",
		"package p\n\nimport (\n\t//routigen:state scope=job\n\t\"fmt\"\n)\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments|parser.SkipObjectResolution)
		if file != nil {
			res := ParseFile(file)
			tf := fset.File(file.Pos())
			for _, e := range res.Errors {
				if e.Msg == "" {
					t.Errorf("empty error message")
				}
				if e.Pos < file.FileStart || e.Pos > file.FileEnd {
					t.Errorf("error %q at %d outside the file [%d,%d] (%s)", e.Msg, e.Pos, file.FileStart, file.FileEnd, tf.Name())
				}
			}
			for _, s := range res.States {
				if s.Scope != ScopeJob && s.Scope != ScopeWorker {
					t.Errorf("state with scope %q", s.Scope)
				}
			}
		}
		_ = err
		text := "//routigen:" + src
		if st, err := ParseState(1, text); err == nil && st.Scope == "" {
			t.Errorf("ParseState(%q) accepted a state without scope", text)
		}
		if ig, err := ParseIgnore(1, 2, text); err == nil && (len(ig.Checks) == 0 || ig.Reason == "") {
			t.Errorf("ParseIgnore(%q) = %+v without error", text, ig)
		}
	})
}

package ssabuild

import (
	"go/ast"
	"go/token"
	"sort"
)

// syntax maps SSA positions back to the source: every check that reports
// at a call needs the call expression (an SSA call's Pos is its Lparen, a
// map update's the Lbrack of its index expression), and several need the
// file of a position. Built once per package, on the first question, for
// all checks.
type syntax struct {
	calls   map[token.Pos]*ast.CallExpr   // by Lparen
	indexes map[token.Pos]*ast.IndexExpr  // by Lbrack
	binary  map[token.Pos]*ast.BinaryExpr // by OpPos
	files   []*ast.File                   // by FileStart
}

func (r *Result) index() *syntax {
	r.syntaxOnce.Do(func() {
		s := &syntax{calls: map[token.Pos]*ast.CallExpr{}, indexes: map[token.Pos]*ast.IndexExpr{},
			binary: map[token.Pos]*ast.BinaryExpr{}}
		s.files = append(s.files, r.pass.Files...)
		sort.Slice(s.files, func(i, j int) bool { return s.files[i].FileStart < s.files[j].FileStart })
		for _, f := range s.files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CallExpr:
					s.calls[n.Lparen] = n
				case *ast.IndexExpr:
					s.indexes[n.Lbrack] = n
				case *ast.BinaryExpr:
					s.binary[n.OpPos] = n
				}
				return true
			})
		}
		r.syntax = s
	})
	return r.syntax
}

// Call returns the call expression whose opening parenthesis is at lparen
// (the Pos of an SSA call instruction), or nil.
func (r *Result) Call(lparen token.Pos) *ast.CallExpr {
	return r.index().calls[lparen]
}

// Start returns where the source of the SSA value or instruction at pos
// starts, to report it there: the start of the call expression whose
// Lparen pos is, of the index expression whose Lbrack it is (a map
// update), or of the binary expression whose operator it is (a
// comparison); else pos.
func (r *Result) Start(pos token.Pos) token.Pos {
	s := r.index()
	if c := s.calls[pos]; c != nil {
		return c.Pos()
	}
	if ix := s.indexes[pos]; ix != nil {
		return ix.Pos()
	}
	if b := s.binary[pos]; b != nil {
		return b.Pos()
	}
	return pos
}

// File returns the file of the package that holds pos, or nil.
func (r *Result) File(pos token.Pos) *ast.File {
	files := r.index().files
	i := sort.Search(len(files), func(i int) bool { return files[i].FileEnd > pos })
	if i < len(files) && files[i].FileStart <= pos {
		return files[i]
	}
	return nil
}

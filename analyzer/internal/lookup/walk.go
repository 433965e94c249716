package lookup

import (
	"go/constant"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// Assume is the case a walk assumes the lookup is in.
type Assume int

// The two cases of a lookup.
const (
	Missing Assume = iota
	Present
)

// Outcome is the result of a Walk.
type Outcome struct {
	// Fails reports whether every way out of the lookup fails.
	Fails bool
	// Tests are the tests of the lookup met on ways out that do not fail,
	// in the order met.
	Tests []*ssa.If
	// Returns reports whether some way out returns (rather than panics or
	// stops the program or goroutine) — how a helper hands the missing case
	// to its caller.
	Returns bool
}

// node is a block entered from one of its predecessors (pred indexes
// b.Preds), or the start of the walk (pred == -1, just after the lookup).
type node struct {
	b    *ssa.BasicBlock
	pred int
}

type local struct {
	done  bool // the node's own instructions decide: fails or not
	fails bool
	ret   bool // ends in a return
	test  *ssa.If

	retInstr *ssa.Return // judged after the walk (see walk)
	succs    []node
}

// Walk decides whether every path from just after l.Call fails when l is
// in case a. With l.Call == nil it walks fn from its entry with no lookup:
// then Fails says whether fn fails on every path.
func (e *Env) Walk(fn *ssa.Function, l *Lookup, a Assume) Outcome {
	if l != nil && l.Call != nil {
		b := l.Call.Block()
		return e.walk(fn, l, a, node{b, -1}, slices.Index(b.Instrs, ssa.Instruction(l.Call))+1)
	}
	if len(fn.Blocks) == 0 {
		return Outcome{}
	}
	return e.walk(fn, l, a, node{fn.Blocks[0], -1}, 0)
}

// WalkFrom is Walk from the test at the end of a block of fn (one of
// l.RoutineIDTests): it decides whether every path from that test fails
// in case a.
func (e *Env) WalkFrom(fn *ssa.Function, l *Lookup, a Assume, test *ssa.If) Outcome {
	b := test.Block()
	return e.walk(fn, l, a, node{b, -1}, len(b.Instrs)-1)
}

func (e *Env) walk(fn *ssa.Function, l *Lookup, a Assume, start node, startIdx int) Outcome {
	w := &walker{env: e, fn: fn, l: l, a: a, locals: map[node]*local{}}
	if l != nil {
		w.valuePositions = ValuePositions(fn, l)
	}
	var order []node
	queue := []node{start}
	w.locals[start] = w.scan(start, startIdx)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		order = append(order, n)
		for _, s := range w.locals[n].succs {
			if _, seen := w.locals[s]; !seen {
				w.locals[s] = w.scan(s, 0)
				queue = append(queue, s)
			}
		}
	}
	// Returns are judged once every way in is known: a phi whose block
	// this walk enters by one edge only has that edge's value here.
	w.entered = map[*ssa.BasicBlock]map[int]bool{}
	for _, n := range order {
		if w.entered[n.b] == nil {
			w.entered[n.b] = map[int]bool{}
		}
		w.entered[n.b][n.pred] = true
	}
	for _, n := range order {
		if lc := w.locals[n]; lc.retInstr != nil {
			lc.fails = w.returnFails(lc.retInstr, n)
		}
	}
	val := map[node]bool{}
	for _, n := range order {
		val[n] = true
	}
	for changed := true; changed; {
		changed = false
		for _, n := range order {
			lc := w.locals[n]
			v := lc.fails
			if !lc.done {
				v = true
				for _, s := range lc.succs {
					v = v && val[s]
				}
			}
			if v != val[n] {
				val[n] = v
				changed = true
			}
		}
	}
	out := Outcome{Fails: val[start]}
	for _, n := range order {
		lc := w.locals[n]
		if lc.test != nil && !val[n] {
			out.Tests = append(out.Tests, lc.test)
		}
		if lc.ret {
			out.Returns = true
		}
	}
	return out
}

type walker struct {
	env            *Env
	fn             *ssa.Function
	l              *Lookup
	a              Assume
	locals         map[node]*local
	valuePositions []bool
	entered        map[*ssa.BasicBlock]map[int]bool // the edges the walk entered blocks by
}

func (w *walker) scan(n node, from int) *local {
	for _, instr := range n.b.Instrs[from:] {
		switch instr := instr.(type) {
		case *ssa.Panic:
			return &local{done: true, fails: true}
		case *ssa.Call:
			if FailingCall(&instr.Call) {
				return &local{done: true, fails: true}
			}
		case *ssa.Return:
			return &local{done: true, ret: true, retInstr: instr}
		case *ssa.If:
			switch w.cond(instr.Cond, n, 0) {
			case condTrue:
				return &local{succs: []node{edge(n.b, 0)}}
			case condFalse:
				return &local{succs: []node{edge(n.b, 1)}}
			case condMissing, condPresent:
				// A test of the lookup: the assumption picks the branch.
				missingIfTrue := w.cond(instr.Cond, n, 0) == condMissing
				succ := 0
				if missingIfTrue != (w.a == Missing) {
					succ = 1
				}
				return &local{test: instr, succs: []node{edge(n.b, succ)}}
			}
			return &local{succs: []node{edge(n.b, 0), edge(n.b, 1)}}
		case *ssa.Jump:
			return &local{succs: []node{edge(n.b, 0)}}
		}
	}
	// A block without terminator (unreachable): treat as not a way out.
	return &local{done: true, fails: true}
}

type condKind int

const (
	condUnknown condKind = iota
	condTrue             // a constant true
	condFalse            // a constant false
	condMissing          // true in the missing case
	condPresent          // true in the present case
)

// cond classifies a branch condition entered through node n: a constant
// (possibly a phi merged from && or || into a variable, taken along the
// edge the walk came by), or a test of the lookup.
func (w *walker) cond(v ssa.Value, n node, depth int) condKind {
	if depth > 8 {
		return condUnknown
	}
	switch x := v.(type) {
	case *ssa.Const:
		if x.Value != nil && x.Value.Kind() == constant.Bool {
			if constant.BoolVal(x.Value) {
				return condTrue
			}
			return condFalse
		}
		return condUnknown
	case *ssa.UnOp:
		if x.Op == token.NOT {
			switch w.cond(x.X, n, depth+1) {
			case condTrue:
				return condFalse
			case condFalse:
				return condTrue
			case condMissing:
				return condPresent
			case condPresent:
				return condMissing
			}
			return condUnknown
		}
	case *ssa.Phi:
		if r := w.resolve(x, n); r != v {
			return w.cond(r, node{}, depth+1)
		}
		return condUnknown
	case *ssa.BinOp:
		if k := w.compare(x, n); k != condUnknown {
			return k
		}
	case *ssa.Call:
		if w.l.neverIs(x) {
			return condFalse
		}
	}
	if w.l != nil {
		if missingIfTrue, ok := w.l.Test(v); ok {
			if missingIfTrue {
				return condMissing
			}
			return condPresent
		}
	}
	return condUnknown
}

// edge is the node of b's i'th successor entered from b.
func edge(b *ssa.BasicBlock, i int) node {
	s := b.Succs[i]
	for p, pb := range s.Preds {
		if pb == b {
			return node{s, p}
		}
	}
	return node{s, -1}
}

var errorType = types.Universe.Lookup("error").Type()

func (w *walker) returnFails(ret *ssa.Return, n node) bool {
	res := ret.Results
	if len(res) == 0 {
		return false
	}
	last := w.stored(w.resolvePath(res[len(res)-1], n), n)
	if types.Identical(last.Type(), errorType) {
		return w.env.nonNil(w.l, w.a, last, map[ssa.Value]bool{})
	}
	if w.l == nil || w.a != Missing {
		return false
	}
	// Under the missing assumption, a return that hands the missing case
	// to the caller propagates it: the caller is checked instead.
	if b, ok := last.Type().Underlying().(*types.Basic); ok && b.Kind() == types.Bool {
		return w.l.IsStatus(last) || isFalse(last)
	}
	for i, v := range res {
		v = w.stored(w.resolvePath(v, n), n)
		if w.l.IsValue(v) || w.l.IsStatus(v) {
			return true
		}
		if k, ok := v.(*ssa.Const); ok && k.IsNil() && i < len(w.valuePositions) && w.valuePositions[i] {
			return true // nil where it otherwise returns the lookup's value
		}
	}
	return false
}

func isFalse(v ssa.Value) bool {
	k, ok := v.(*ssa.Const)
	return ok && k.Value != nil && k.Value.Kind() == constant.Bool && !constant.BoolVal(k.Value)
}

// compare classifies x == k or x != k where x is a phi merged at n's block
// (`var job *JobContext; if j, ok := …; ok { job = j }; if job == nil`):
// along the edge the walk came by, x is a constant (the comparison is
// decided) or the lookup's own value (the comparison tests the lookup).
func (w *walker) compare(b *ssa.BinOp, n node) condKind {
	if b.Op != token.EQL && b.Op != token.NEQ {
		return condUnknown
	}
	x, y := w.resolve(b.X, n), w.resolve(b.Y, n)
	if x == b.X && y == b.Y {
		return condUnknown
	}
	kx, xok := x.(*ssa.Const)
	ky, yok := y.(*ssa.Const)
	if xok && yok {
		eq, ok := constEqual(kx, ky)
		if !ok {
			return condUnknown
		}
		if eq == (b.Op == token.EQL) {
			return condTrue
		}
		return condFalse
	}
	if xok {
		x, ky = y, kx
	} else if !yok {
		return condUnknown
	}
	// err = errNoJob on the way here; if err != nil {…}
	if ky.IsNil() && w.env.nonNil(w.l, w.a, x, map[ssa.Value]bool{}) {
		if b.Op == token.NEQ {
			return condTrue
		}
		return condFalse
	}
	if w.l == nil {
		return condUnknown
	}
	missingIfEqual, ok := w.l.missingIfEqual(x, ky)
	if !ok {
		return condUnknown
	}
	if missingIfEqual == (b.Op == token.EQL) {
		return condMissing
	}
	return condPresent
}

// constEqual compares two SSA constants of the same type.
func constEqual(x, y *ssa.Const) (eq, ok bool) {
	switch {
	case x.IsNil() || y.IsNil():
		return x.IsNil() && y.IsNil(), true
	case x.Value == nil || y.Value == nil || x.Value.Kind() != y.Value.Kind():
		return false, false
	}
	return constant.Compare(x.Value, token.EQL, y.Value), true
}

// stored sees through a load of a local variable to the value last stored
// in it on the way to the load: a function with a defer keeps its results
// in locals and returns them with `rundefers; t = *res; return t`, so
// `return errNoJob` stores the sentinel first. It follows the load's block
// back through the predecessor the walk came by, then single predecessors.
func (w *walker) stored(v ssa.Value, n node) ssa.Value {
	// `return err` of a named result err stores a load of err into it
	// first (t1 = *err; *err = t1): see through such loads too.
	for range 8 {
		s := w.storedOnce(v, n)
		if s == v {
			return v
		}
		v = s
	}
	return v
}

func (w *walker) storedOnce(v ssa.Value, n node) ssa.Value {
	u, ok := v.(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return v
	}
	addr, ok := u.X.(*ssa.Alloc)
	if !ok {
		return v
	}
	b := u.Block()
	end := slices.Index(b.Instrs, ssa.Instruction(u))
	for range 32 {
		for i := end - 1; i >= 0; i-- {
			if st, ok := b.Instrs[i].(*ssa.Store); ok && st.Addr == addr {
				if b == n.b {
					return w.resolve(st.Val, n)
				}
				return st.Val
			}
		}
		switch {
		case len(b.Preds) == 1:
			b = b.Preds[0]
		case b == n.b && n.pred >= 0 && n.pred < len(b.Preds):
			b = b.Preds[n.pred] // the edge the walk came by
		default:
			return v
		}
		end = len(b.Instrs)
	}
	return v
}

// resolvePath is resolve, then, for a phi of a block the walk entered by
// one edge only, that edge's value, repeatedly.
func (w *walker) resolvePath(v ssa.Value, n node) ssa.Value {
	v = w.resolve(v, n)
	for range 8 {
		phi, ok := v.(*ssa.Phi)
		if !ok {
			return v
		}
		in := w.entered[phi.Block()]
		if len(in) != 1 {
			return v
		}
		for p := range in {
			if p < 0 || p >= len(phi.Edges) {
				return v
			}
			v = phi.Edges[p]
		}
	}
	return v
}

// resolve picks the phi edge of the predecessor the walk came from.
func (w *walker) resolve(v ssa.Value, n node) ssa.Value {
	if phi, ok := v.(*ssa.Phi); ok && n.b != nil && phi.Block() == n.b && n.pred >= 0 && n.pred < len(phi.Edges) {
		return phi.Edges[n.pred]
	}
	return v
}

// ValuePositions reports, per result of fn, whether some return of fn
// returns l's value there.
func ValuePositions(fn *ssa.Function, l *Lookup) []bool {
	pos := make([]bool, fn.Signature.Results().Len())
	for _, b := range fn.Blocks {
		if len(b.Instrs) == 0 {
			continue
		}
		if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok {
			for i, v := range ret.Results {
				if i < len(pos) && returnsValue(l, v, map[ssa.Value]bool{}) {
					pos[i] = true
				}
			}
		}
	}
	return pos
}

func returnsValue(l *Lookup, v ssa.Value, seen map[ssa.Value]bool) bool {
	if l.IsValue(v) {
		return true
	}
	if phi, ok := v.(*ssa.Phi); ok && !seen[phi] {
		seen[phi] = true
		for _, e := range phi.Edges {
			if returnsValue(l, e, seen) {
				return true
			}
		}
	}
	return false
}

// Skips reports whether the missing branch of test does nothing the
// present branch does not do too (if ok {…}): the missing case skips work,
// rather than doing something else instead (if !ok {…} else {…}, an
// early return).
func (l *Lookup) Skips(test *ssa.If) bool {
	missingIfTrue, ok := l.Test(test.Cond)
	if !ok {
		return false
	}
	b := test.Block()
	missing, present := b.Succs[0], b.Succs[1]
	if !missingIfTrue {
		missing, present = present, missing
	}
	fromPresent := l.reach(present, Present)
	for x := range l.reach(missing, Missing) {
		if !fromPresent[x] {
			return false
		}
	}
	return true
}

// reach returns the blocks reachable from start, following only the
// branch a selects at tests of l.
func (l *Lookup) reach(start *ssa.BasicBlock, a Assume) map[*ssa.BasicBlock]bool {
	seen := map[*ssa.BasicBlock]bool{}
	stack := []*ssa.BasicBlock{start}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[x] {
			continue
		}
		seen[x] = true
		succs := x.Succs
		if len(x.Instrs) == 0 {
			continue
		}
		if iff, ok := x.Instrs[len(x.Instrs)-1].(*ssa.If); ok {
			if m, ok := l.Test(iff.Cond); ok {
				if m == (a == Missing) {
					succs = succs[:1]
				} else {
					succs = succs[1:]
				}
			}
		}
		stack = append(stack, succs...)
	}
	return seen
}

// neverIs reports whether call is errors.Is(err, S), err the error of a
// runtime lookup or a generated accessor and S a package-level error other
// than runtime.ErrNoJob and ErrNoRoutine (context.Canceled, io.EOF): false
// in the missing case (the error wraps one of those two) and in the present
// one (errors.Is(nil, S) is false). A helper's error may be anything.
func (l *Lookup) neverIs(call *ssa.Call) bool {
	if l == nil || l.Callee.Helper || !l.Callee.StatusErr || !isFunc(call.Call.StaticCallee(), "errors", "Is") ||
		len(call.Call.Args) != 2 || !l.IsStatus(call.Call.Args[0]) || IsMissingSentinel(call.Call.Args[1]) {
		return false
	}
	u, ok := call.Call.Args[1].(*ssa.UnOp)
	if !ok || u.Op != token.MUL {
		return false
	}
	_, ok = u.X.(*ssa.Global)
	return ok
}

// Package p persists worker state whose nested types carry json tags:
// encoding/json drops a field tagged "-", so Encode must fail naming the
// state field, not lose it. (Two fields tagged with one name, which
// encoding/json drops too, are go vet's structtag finding.)
package p

// Secret is dropped by encoding/json.
type Secret struct {
	Token string `json:"-"`
	Tags  []string
}

// Fine has tags that lose nothing: a field named "-", omitempty, renames.
type Fine struct {
	Dash  string   `json:"-,"`
	Maybe []string `json:",omitempty"`
	Named int      `json:"other"`
	Other int
}

// A and B both promote X.
type A struct{ X int }

// B is the second.
type B struct{ X int }

// Ambiguous promotes X twice at one depth: encoding/json writes neither.
type Ambiguous struct {
	A
	*B
	Tags []string
}

// Base has an ID that Shadow's own ID hides from encoding/json.
type Base struct{ ID string }

// Shadow keeps Base.ID too (o.Base.ID), which would not be stored.
type Shadow struct {
	Base
	ID string
}

// Promoted has no rival: its fields are written flat, fine.
type Promoted struct {
	A
	Y int
}

//routigen:state scope=worker
type S struct {
	Secret Secret
	Many   []map[string]*Secret
	Fine   Fine
	Amb    Ambiguous
	Sh     map[string]Shadow
	Prom   Promoted
}

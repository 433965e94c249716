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

//routigen:state scope=worker
type S struct {
	Secret Secret
	Many   []map[string]*Secret
	Fine   Fine
}

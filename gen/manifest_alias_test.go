package gen_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/gen/gentest"
)

// TestManifestAliasSpellings: a manifest written before aliases were
// resolved spells a field's type with the alias name; with the code
// unchanged, gen takes it for the resolved spelling (no breaking change,
// no version bump) and rewrites it so, and the next run finds it current.
func TestManifestAliasSpellings(t *testing.T) {
	old := `# routigen state manifest: the stored shape of the //routigen:state types of this
# package. routigen gen updates it, routigen check holds the code to it:
# commit it with the code. See routigen explain manifest.
package example.com/aliases

state S
	version 3
	since 2
	key example.com/aliases.S
	scope worker
	sharing routine
	field Names example.com/aliases.List[example.com/aliases.ID]
	field Owner example.com/aliases.ID
`
	dir := gentest.NewModule(t, "example.com/aliases", map[string][]byte{
		"p.go":           []byte("package aliases\n\ntype ID = string\n\ntype List[T any] = []T\n\n//routigen:state scope=worker\ntype S struct {\n\tOwner ID\n\tNames List[ID]\n}\n"),
		gen.ManifestName: []byte(old),
	})
	res := generate(t, dir)
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := res.Commit(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, gen.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		"field Names example.com/aliases.List[example.com/aliases.ID]", "field Names []string",
		"field Owner example.com/aliases.ID", "field Owner string",
	).Replace(old)
	if string(b) != want {
		t.Errorf("manifest:\n%s\nwant:\n%s", b, want)
	}
	if stale := generate(t, dir).Stale(); len(stale) > 0 {
		t.Errorf("stale after the rewrite: %v", stale[0].File)
	}
}

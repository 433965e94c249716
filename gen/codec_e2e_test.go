package gen_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routigen/routigen/gen"
	"github.com/routigen/routigen/gen/gentest"
)

// The three versions of a module whose worker state changes: version 2 is
// a compatible change of version 1 (a field added, one removed, one renamed
// keeping its stored name), version 3 a breaking one (a type changed).
const (
	codecV1 = `package p

import "time"

//routigen:state scope=worker
type Counter struct {
	N     int
	Names []string
	Big   uint64
	At    time.Time
	note  string
}

//routigen:state scope=worker shared
type Hooks struct {
	Count  int
	OnDone func()
}
`
	codecV1Test = `package p

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestStore(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	b, err := codecOfCounter.Encode(&Counter{N: 7, Names: []string{"a"}, Big: 1<<64 - 1, At: at, note: "kept"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv("STORED"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := codecOfHooks.Encode(&Hooks{Count: 1}); err == nil || !strings.Contains(err.Error(), "field OnDone cannot be stored: it holds a func") {
		t.Errorf("a func field: %v", err)
	}
}
`
	codecV2 = `package p

import "time"

//routigen:state scope=worker
type Counter struct {
	N      int
	Big    uint64
	At     time.Time
	Total  int64
	remark string ` + "`routigen:\"name=note\"`" + `
}
`
	codecV2Test = `package p

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	b, err := os.ReadFile(os.Getenv("STORED"))
	if err != nil {
		t.Fatal(err)
	}
	var v Counter
	if err := codecOfCounter.Decode(b, &v); err != nil {
		t.Fatal(err)
	}
	want := Counter{N: 7, Big: 1<<64 - 1, At: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), remark: "kept"}
	if v != want {
		t.Errorf("version 2 read %+v, want %+v", v, want)
	}
	again, err := codecOfCounter.Encode(&v)
	if err != nil || !strings.Contains(string(again), ` + "`" + `"version":2,"since":1` + "`" + `) || !strings.Contains(string(again), ` + "`" + `"note":"kept"` + "`" + `) {
		t.Errorf("version 2 wrote %s, %v", again, err)
	}
}
`
	codecV3Test = `package p

import (
	"os"
	"strings"
	"testing"
)

func TestRefuse(t *testing.T) {
	b, err := os.ReadFile(os.Getenv("STORED"))
	if err != nil {
		t.Fatal(err)
	}
	var v Counter
	err = codecOfCounter.Decode(b, &v)
	if err == nil || !strings.Contains(err.Error(), "stored under version 1, before the breaking change of version 3") {
		t.Errorf("version 3 read a value of version 1: %+v, %v", v, err)
	}
}
`
)

// TestCodecAcrossVersions stores a worker-state value with the codec
// generated for version 1, then reads it with the codecs generated, from
// the updated manifest, for a compatible version 2 (every kept field back,
// the added one zero, the renamed one through its stored name) and for a
// version 3 that accepted a breaking change (refused, not misread).
func TestCodecAcrossVersions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a module three times (-short)")
	}
	stored := filepath.Join(t.TempDir(), "stored.json")
	dir := gentest.NewModule(t, "example.com/codec", map[string][]byte{"p/p.go": []byte(codecV1), "p/codec_test.go": []byte(codecV1Test)})
	step := func(allow bool, src, test string) {
		t.Helper()
		os.WriteFile(filepath.Join(dir, "p", "p.go"), []byte(src), 0o644)
		os.WriteFile(filepath.Join(dir, "p", "codec_test.go"), []byte(test), 0o644)
		res, err := gen.Generate(context.Background(), gen.Config{Dir: dir, AllowBreaking: allow}, "./...")
		if err != nil {
			t.Fatal(err)
		}
		if err := res.Err(); err != nil {
			t.Fatal(err)
		}
		if _, err := res.Commit(); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("go", "test", "-count=1", "./p")
		cmd.Dir, cmd.Env = dir, append(os.Environ(), "STORED="+stored)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go test in the generated module: %v\n%s", err, out)
		}
	}
	step(false, codecV1, codecV1Test)
	step(false, codecV2, codecV2Test)
	step(true, strings.Replace(codecV2, "N      int", "N      string", 1), codecV3Test)
}

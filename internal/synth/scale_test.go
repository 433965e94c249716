package synth

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/routigen/routigen/gen"
)

// genLoadMode and genBuildFlags repeat what gen/load.go passes to
// packages.Load (its loadMode and the routigen build tag), so the bare load
// below does exactly the loading work of the generator.
const genLoadMode = packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes

var genBuildFlags = []string{"-tags=" + gen.BuildTag}

func writeState(tb testing.TB, opt StateOptions) string {
	tb.Helper()
	opt.RepoRoot = repoRoot(tb)
	files, err := StatePackage(opt)
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	if err := Write(dir, files); err != nil {
		tb.Fatal(err)
	}
	return dir
}

var ofFunc = regexp.MustCompile(`(?m)^func State[0-9]+Of\(`)

// checkResult fails unless r holds one package, without error, whose
// rendered file declares n TOf functions (with count) or any content.
func checkResult(tb testing.TB, r *gen.Result, n int, count bool) {
	tb.Helper()
	if err := r.Err(); err != nil {
		tb.Fatalf("routigen reported errors on the synthetic package:\n%v", err)
	}
	if len(r.Packages) != 1 {
		tb.Fatalf("%d packages, want 1", len(r.Packages))
	}
	p := r.Packages[0]
	if p.Content == nil {
		tb.Fatal("no generated file rendered")
	}
	if count {
		if got := len(ofFunc.FindAllIndex(p.Content, -1)); got != n {
			tb.Fatalf("generated file declares %d TOf functions, want %d", got, n)
		}
	}
}

// BenchmarkGenerate times, in the same run and interleaved, a bare
// packages.Load of a synthetic package of N annotated structs (with the
// generator's load mode and build tag) and the whole generator run over it
// into memory (gen.Generate: load, validate, render, compare with disk).
// The x-load metric is the generator's time over the bare load's: SPEC §5
// wants at most 1.3 at N=1000. load-ms/op and gen-ms/op are per iteration,
// ns/op is their sum.
//
//	go test -run '^$' -bench BenchmarkGenerate -benchtime 5x ./internal/synth/
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			dir := writeState(b, StateOptions{Structs: n})
			ctx := context.Background()
			lc := &packages.Config{Context: ctx, Mode: genLoadMode, Dir: dir, BuildFlags: genBuildFlags}
			bareLoad := func() {
				pkgs, err := packages.Load(lc, ".")
				if err != nil {
					b.Fatal(err)
				}
				if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 || pkgs[0].Types.Scope().Len() < n {
					b.Fatalf("bare load: %d packages, errors %v", len(pkgs), pkgs[0].Errors)
				}
			}
			generate := func(check bool) {
				r, err := gen.Generate(ctx, gen.Config{Dir: dir}, ".")
				if err != nil {
					b.Fatal(err)
				}
				checkResult(b, r, n, check)
			}
			// Warm the go command's caches (export data of the
			// dependencies) for both, outside the timing.
			bareLoad()
			generate(true)
			var load, full time.Duration
			for b.Loop() {
				t0 := time.Now()
				bareLoad()
				t1 := time.Now()
				generate(false)
				load += t1.Sub(t0)
				full += time.Since(t1)
			}
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(b.N) }
			b.ReportMetric(ms(load), "load-ms/op")
			b.ReportMetric(ms(full), "gen-ms/op")
			b.ReportMetric(float64(full)/float64(load), "x-load")
		})
	}
}

// TestGenerateSynthetic runs the generator over a small synthetic state
// package that calls the accessors, commits the file and vets the result:
// every field shape is valid routigen input and the generated code serves
// it. (TestModuleFindings does the same for the module shape.)
func TestGenerateSynthetic(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the go command")
	}
	dir := writeState(t, StateOptions{Structs: 20, PerFile: 8, Accessors: true})
	r, err := gen.Generate(context.Background(), gen.Config{Dir: dir}, ".")
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, r, 20, true)
	if _, err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	goCmd(t, dir, "vet", "./...")
}

package synth

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
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

// BenchmarkGenerate measures the two shapes of SPEC §5, each against a
// bare packages.Load of the same patterns (with the generator's load mode
// and build tag) timed in the same run, interleaved:
//
//   - gogenerate: routigen as //go:generate runs it, on one package of 10
//     annotated structs (pattern "."); target ≤ 1.15×.
//   - module: routigen ./... over a module of 100 packages × 5 annotated
//     structs; target ≤ 1.5×.
//
// The generator's iteration is what the command does: gen.Generate (load,
// analyze, render, compare with disk) and Result.Commit, with the files
// already current as they are on every run but the first. Each shape runs
// three ways: cache=none renders every package (as check does); cache=cold
// starts every iteration with an empty render cache (the first gen after a
// change of every package: render, then record); cache=warm keeps the cache
// of the earlier runs (every later gen: nothing to render).
// The x-load metric is the generator's wall time over the bare load's,
// cpu-x-load the same for CPU time (user+system of the process and of the
// go commands it ran); load-ms/op and gen-ms/op are per iteration, ns/op
// is their sum.
//
//	go test -run '^$' -bench 'BenchmarkGenerate/(gogenerate|module)' -benchtime 10x ./internal/synth/
func BenchmarkGenerate(b *testing.B) {
	for _, bc := range []struct {
		name    string
		files   func(b *testing.B) []File
		pattern string
		pkgs    int
	}{
		{"gogenerate/structs=10", func(b *testing.B) []File {
			files, err := StatePackage(StateOptions{Structs: 10, RepoRoot: repoRoot(b)})
			if err != nil {
				b.Fatal(err)
			}
			return files
		}, ".", 1},
		{"module/packages=100/structs=5", func(b *testing.B) []File {
			files, err := StateModule(100, 5, repoRoot(b))
			if err != nil {
				b.Fatal(err)
			}
			return files
		}, "./...", 100},
		// No target: the old one-package shape, kept to show how rendering
		// grows with the structs of one package.
		{"onepackage/structs=1000", func(b *testing.B) []File {
			files, err := StatePackage(StateOptions{Structs: 1000, RepoRoot: repoRoot(b)})
			if err != nil {
				b.Fatal(err)
			}
			return files
		}, ".", 1},
	} {
		for _, cache := range []string{"none", "cold", "warm"} {
			b.Run(bc.name+"/cache="+cache, func(b *testing.B) {
				benchGenerate(b, bc.files(b), bc.pattern, bc.pkgs, cache)
			})
		}
	}
}

func benchGenerate(b *testing.B, files []File, pattern string, pkgs int, cache string) {
	dir := b.TempDir()
	if err := Write(dir, files); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	lc := &packages.Config{Context: ctx, Mode: genLoadMode, Dir: dir, BuildFlags: genBuildFlags}
	bareLoad := func() {
		ps, err := packages.Load(lc, pattern)
		if err != nil || len(ps) != pkgs {
			b.Fatalf("bare load: %d packages, %v", len(ps), err)
		}
	}
	cacheDir := ""
	if cache != "none" {
		cacheDir = filepath.Join(b.TempDir(), "cache")
	}
	generate := func() {
		r, err := gen.Generate(ctx, gen.Config{Dir: dir, CacheDir: cacheDir}, pattern)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Err(); err != nil || len(r.Packages) != pkgs {
			b.Fatalf("generate: %d packages, %v", len(r.Packages), err)
		}
		if _, err := r.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	// The first run writes the files (and fills the cache); both then find
	// the go command's caches warm.
	generate()
	bareLoad()
	var load, full, loadCPU, fullCPU time.Duration
	for b.Loop() {
		if cache == "cold" {
			b.StopTimer()
			os.RemoveAll(cacheDir)
			b.StartTimer()
		}
		t0, c0 := time.Now(), cpuTime()
		bareLoad()
		t1, c1 := time.Now(), cpuTime()
		generate()
		load += t1.Sub(t0)
		full += time.Since(t1)
		loadCPU += c1 - c0
		fullCPU += cpuTime() - c1
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(b.N) }
	b.ReportMetric(ms(load), "load-ms/op")
	b.ReportMetric(ms(full), "gen-ms/op")
	b.ReportMetric(float64(full)/float64(load), "x-load")
	// CPU time (this process and the go commands it ran): on a machine
	// shared with other work, wall time measures the contention too; CPU
	// time does not.
	b.ReportMetric(float64(fullCPU)/float64(loadCPU), "cpu-x-load")
}

// cpuTime is the user and system time of this process and of its waited-for
// children (the go command) so far.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
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

// Package gen is routigen's generator library: it turns struct types
// annotated //routigen:state into typed, routine-namespaced state accessors
// (see the project SPEC, §2). The routigen command is a thin shell over it.
//
// # Pipeline
//
// Generate computes everything in memory and touches no file: it loads the
// packages, finds and validates the annotations, renders one routigen_gen.go
// per package and compares it with what is on disk. The returned Result is
// then committed (Result.Commit writes and removes files), checked
// (Result.Stale lists what is out of date) or diffed (Result.Diff), in the
// manner of wire's GenerateResult.Commit. A package with errors is never
// written; the other packages of the same run still are.
//
// # Load
//
// One packages.Load call covers every pattern, with a minimal mode: names,
// files, syntax and types of the root packages only (dependencies come from
// export data). The loader runs with the build tag "routigen", and every
// generated file starts with the constraint //go:build !routigen, so a
// stale or broken routigen_gen.go is never part of what is loaded. Type
// errors in the rest of the package are expected then (code calls the
// accessors that the excluded file declares) and are ignored, unless an
// annotated struct itself does not type-check. Syntax errors and errors of
// the go command are always reported.
//
// # Analyze
//
// Each package goes through the phases of analyze (analyze.go), every one
// reporting into the package's error collector and going on, so that one
// run shows every problem: locate the directory and the existing
// generated file; triage the load errors (type errors wait, imports that
// failed and errors of the go command are reported); collect the state
// types and check their fields (collect.go); report annotations the build
// leaves out; attribute type errors to the annotated declarations; check
// the generated file and the generated names (validate.go). Storage keys
// are checked across the packages of the run.
//
// Annotations are parsed by internal/directive, the one parser the
// analyzers share. On top of its errors (unknown directive or option,
// missing or unknown scope, a directive on anything but a non-generic
// struct type) and the comments it finds near a directive but not read as
// one ("// routigen:state", "//Routigen:state": Go ignores them, so the
// type would silently get nothing), analysis reports two types with the same storage key
// (same scope and sharing mode) anywhere in the run, generated names that
// collide with declared ones, with a name a file imports (a dot import or
// an import name: Go forbids a name in both a file and its package) or
// with each other (TAccessor, TOf, a field named Load, fields Count and
// SetCount, ...; declared in a file this run does not build, another
// GOOS's or a test, too), a routigen_gen.go that
// routigen did not write or that is not a file, and packages that fail to
// load. Every error has a file:line:col: position and says what to do.
//
// # Builds
//
// One routigen_gen.go serves every build configuration of a package, so
// whatever it names must exist in all of them: a state type declared in a
// file with a build constraint (a //go:build line, a _GOOS/_GOARCH file
// name, or import "C": cgo files are left out with cgo off), or a field
// whose type is, is an error, and so is another package's struct type
// declared in such a file whose fields the copy selects
// (syscall.SysProcAttr has other fields on each GOOS; export data names
// standard files under $GOROOT, resolved with go env), and an annotation in
// a file this build leaves out (another GOOS, a tag not given) or in a
// _test.go file: never skipped in silence, not even in a directory ./...
// does not list because the build excludes all its files (unlisted, in
// stray.go, reads those below the "dir/..." patterns). So `routigen -tags T` cannot
// write code that breaks the build without T. The file spells an anonymous
// array type with the length of the build that ran ([8]byte for
// [bits.UintSize / 8]byte), so a length that may differ between builds
// (sizes, the word size, the constants of runtime, syscall and x/sys, or a
// constant of a constrained file) is an error at the field, unless the
// generated code never spells it (a named array type is spelled by name);
// arraylen.go decides.
//
// # The go command
//
// In the mode used here packages.Load hides a failing go command (no
// go.mod, a go.mod that needs updating): it returns no package and no
// error. An empty load is asked again of `go list`, whose message becomes
// the error; an import the type checker could not resolve is explained by
// the go command's DepsErrors. A run never succeeds having loaded nothing.
//
// # Render
//
// For each annotated type T, sorted by name, the file holds TAccessor,
// TOf(ctx), a getter and setter per exported field not tagged
// routigen:"-", and Load, Store, Update and Key, all over runtime.JobCell
// or runtime.WorkerCell, never over JobContext.SetData. An import whose
// name is taken by a package-level identifier of the package (or by a
// generated name or a local of the generated code) is aliased; locals that
// would shadow a package-level identifier are renamed. A package that
// declares its own any or byte gets interface{} or uint8 in their place;
// any other predeclared identifier the code names (error, nil, string, the
// basic types of the fields, uint32) that the package redeclares is an
// error at the declaration.
//
// One renderer writes that file (render.go): it builds a jennifer tree and
// formats it with go/format, through jennifer's File.Render. The golden
// files of testdata/gen pin its bytes, and the case tests check that the
// output is gofmt-clean.
//
// Copies: getters of fields holding slices or maps, Load and Store copy
// deeply through slices, maps, arrays, pointers and the reachable fields of
// structs (exported fields, and every field of the package's own types), so
// the copy shares no slice or map with the stored value. A recursive type
// (one whose copy meets the type again) goes through one local closure,
// called wherever the copy meets a value of it, so a web of such types
// costs a closure each, not an expansion per path; the closures are all
// declared before any is defined, as they may call each other. A recursive
// type the code cannot name (an unexported one of another package) is
// expanded inline instead, which is fine when each of its cycles passes
// through a type it can name, and else an error. A non-nil pointer whose
// target holds a slice or map is replaced by a pointer to a deepened copy
// of the target; one memo per copy (map[any]any from original pointer to
// copy, made on the first non-nil pointer) keeps cycles finite and aliasing
// intact: two pointers to one target point to one copy. A pointer into a
// slice element or a field gets a target of its own. Pointers whose targets
// hold no slice or map stay shared (copying them would not make the promise
// truer, and reads stay free), and so do pointers in the unexported fields
// of other packages' types (time.Time's location). The copy cannot look
// into an interface value, so a field whose copy would meet one (`any`,
// `[]any`, `map[string]any`, a struct or pointer target with such a field)
// is an error naming the field; error values are the one exception, shared
// because they are immutable by convention. Funcs and channels are shared:
// they hold no slice or map of their own. A field whose type holds a slice
// or map the code cannot copy (an
// unexported field of another package's type, held by value or behind a
// pointer; an unexported recursive type of another package; a pointer to a
// type the code cannot name) is an error naming the field; copyPlan
// (deepen.go) decides both, so what validates renders. Reading a field
// whose type holds no slice or map allocates nothing.
//
// The output is gofmt-clean and byte-identical on every run: types, fields
// and imports are emitted in a fixed order and no map order reaches it.
//
// # Render cache
//
// Rendering (jennifer, then go/format) is most of a run's own CPU, and on
// every run but the first it renders what is already on disk. With
// Config.CacheDir (the command: DefaultCacheDir), a package whose
// rendering inputs hash to a key recorded by an earlier run, and whose
// file on disk hashes to the output recorded under it, is not rendered:
// its Content is the file (cache.go). The key covers everything rendering
// is a function of: the generator (its executable's build ID), the bytes
// the loader parsed, the language version and sizes, every dependency
// (from source the same way, else by its export data), GODEBUG and the
// stored shape. Unknown inputs mean no key. Only a run that writes uses
// it: check renders every package and compares bytes, so no cache entry,
// right or wrong, can make a stale file pass.
//
// # Manifest
//
// Each package with state types also gets ManifestName (routigen.manifest),
// the committed record of their stored shape: per type its version, the
// oldest version it reads (since), storage key, scope, sharing, each stored
// field's stored name and type (aliases resolved: type ID = string stores
// a string, and retargeting ID changes it; manifest_alias.go), fields removed (which may come back only
// with their type) and the named types the fields reach; a type removed
// keeps its entry, marked removed, for the same reason. One file per
// package, not per module: it follows the package's routigen_gen.go (the
// same load, the same errors-block-the-package rule, no merge conflicts
// between packages, `check ./sub` reads what it needs). Validation numbers
// the source's shape against the committed one (manifest_compare.go): a
// compatible change bumps the version (a field added to or removed from a
// struct type that a field holds too); a breaking one (a type changed, a
// field renamed without routigen:"name=OLD", a removed field back with
// another type, key, scope or sharing changed, a Go type renamed without
// keeping its key) is an error at the field or directive naming both
// versions, unless Config.AllowBreaking records it (since moves to the new
// version). A field renamed is recognised as a field gone and a field of
// the same type added in one change.
//
// # Codecs
//
// Every worker-scope type gets codecOfT, a runtime.StateCodec that TOf
// passes to runtime.WorkerCell, so a Backend can persist the cell (see
// codec.go): fields keyed by stored name, unexported ones included, with
// the manifest's key, version and since, so a value stored under a
// compatible older version decodes and one from before an accepted
// breaking change is refused. A field encoding/json cannot store
// faithfully (a func, a channel, an interface, a struct with unexported
// fields, a field tagged json:"-", promoted fields that conflict for one
// JSON name) makes Encode fail, naming the field. Blank fields (_ [0]func(),
// padding) are not state: no code can select or set them, so they are
// neither stored, copied nor in the manifest.
//
// # Commit
//
// Result.Commit (commit.go) writes each changed routigen_gen.go atomically (a temporary
// file in the same directory, then a rename; an existing file keeps its
// mode; a symlink is written through to its target), skips unchanged
// files, and removes a routigen_gen.go that bears routigen's header from a
// package with no annotated type left (its manifest stays, every type
// marked removed: stored values outlive the code; only a package with no
// Go file left loses both). A file named routigen_gen.go
// without the header is never written or removed, and neither are the
// files of a package of another module than the main ones (a pattern such
// as all reaches the module cache): an error when they would change. A Go
// file given as a pattern ($GOFILE) stands for its directory's package:
// the go command would load that file alone, as an ad hoc package whose
// name would leak into the storage keys. Temporary files an
// interrupted run left (.routigen_gen.go.N.tmp, older than a minute) are
// removed.
// The manifest is written and removed the same way.
package gen

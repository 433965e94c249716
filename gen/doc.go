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
// # Validate
//
// Annotations are parsed by internal/directive, the one parser the
// analyzers share. On top of its errors (unknown directive or option,
// missing or unknown scope, a directive on anything but a non-generic
// struct type), validation reports two types with the same storage key
// (same scope and sharing mode) anywhere in the run, generated names that
// collide with declared ones or with each other (TAccessor, TOf, a field
// named Load, fields Count and SetCount, ...), a routigen_gen.go that
// routigen did not write, and packages that fail to load. Every error has a
// file:line:col: position and says what to do; all errors of a run are
// reported, not just the first.
//
// # Render
//
// For each annotated type T, sorted by name, the file holds TAccessor,
// TOf(ctx), a getter and setter per exported field not tagged
// routigen:"-", and Load, Store, Update and Key, all over runtime.JobCell
// or runtime.WorkerCell, never over JobContext.SetData. An import whose
// name is taken by a package-level identifier of the package (or by a
// generated name or a local of the generated code) is aliased; locals that
// would shadow a package-level identifier are renamed.
//
// One renderer writes that file (render.go): it builds a jennifer tree and
// formats it with go/format, through jennifer's File.Render. The golden
// files of testdata/gen pin its bytes, and the case tests check that the
// output is gofmt-clean.
//
// Copies: getters of fields holding slices or maps, Load and Store copy
// deeply through slices, maps, arrays and the reachable fields of structs
// (exported fields, and every field of the package's own types), so the
// copy shares no slice or map with the stored value. Pointers, interfaces,
// funcs and channels are copied as they are: a copy shares their targets.
// Types with nothing but unexported fields of another package (time.Time)
// are copied by value. Reading a field whose type holds no slice or map
// allocates nothing.
//
// The output is gofmt-clean and byte-identical on every run: types, fields
// and imports are emitted in a fixed order and no map order reaches it.
//
// # Commit
//
// Result.Commit writes each changed routigen_gen.go atomically (a temporary
// file in the same directory, then a rename; an existing file keeps its
// mode), skips unchanged files, and removes a routigen_gen.go that bears
// routigen's header from a package with no annotated type left. A file
// named routigen_gen.go without the header is never written or removed.
package gen

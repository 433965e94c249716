package gen

// ManifestDoc documents the state manifest, the compatibility gate and the
// stored-name tag; `routigen explain manifest` prints it, so that the
// command and the generator cannot drift apart.
const ManifestDoc = `Once worker state is stored (the JetStream backend), a state type that
changes between two deployments meets the values the previous version
stored. routigen records the stored shape of every //routigen:state type in
a file routigen.manifest beside each package's routigen_gen.go, and holds
the code to it.

The manifest lists, per type (sorted, one fact a line, diff-friendly): its
version, the oldest version whose stored values it still reads (since), the
storage key, scope and sharing, each stored field's stored name and type
(with full import paths, unexported fields included), the fields removed
since and the named types the fields reach, with their structure. Commit
it with the code; review its diff like code. Job-scope types are recorded and
held to the same rules although their values live only as long as a job:
a type then moves between scopes only on purpose, and stays readable if
job state is ever stored.

routigen gen updates the manifest for a compatible change and bumps the
type's version:

	- a field added (stored values read it as its zero value)
	- a field removed (recorded as removed: it may come back only with
	  the same type)
	- a state type removed (kept, marked removed: a type that takes its
	  name or storage key again is held to its shape), the package's
	  last one too: the manifest stays until you delete it
	- a field renamed that keeps its stored name through the tag:
	      Total int ` + "`" + `routigen:"name=Count"` + "`" + `

routigen check and routigen gen fail, at the field or directive, naming the
field and both versions, on a change that would misread or lose stored
values:

	- a field's type changed, or a named type it holds changed: for a
	  struct, a field's type or tag changed or a field renamed (fields
	  added to or removed from it are compatible); any other type,
	  whatever changed
	- a field renamed without keeping its stored name (a field gone and
	  one of its type added, in one change)
	- a removed field back with another type
	- the storage key (key=, or the package path and type name), the
	  scope or the sharing (shared) changed

To make such a change on purpose, run routigen gen -allow-breaking: it
records the change in the manifest (the version bumps and since moves to
it, so the generated codecs refuse values stored before) and reports each
change it accepted. The manifest diff is the reviewed record; clear or
migrate the stored values of that type when you deploy it.

The tag routigen:"ITEM,..." of a state field takes the items "-" (no field
accessors; Load and Store keep the field) and "name=NAME" (store the field
under NAME). A stored name is a Go identifier, unique in its type.

Worker-scope types get a generated codec (codecOfT), which a Backend
uses to persist them: a value is stored as its fields keyed by stored
name, with the storage key, version and since, and read as the manifest
describes, so a value stored under an older compatible version decodes
(removed fields ignored, added fields zero). Writing a field that
encoding/json cannot store faithfully (a func, a channel, an interface, a
struct with unexported fields) fails, naming the field.`

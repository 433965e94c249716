package synth

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/routigen/routigen/internal/directive"
)

// StateOptions configures StatePackage.
type StateOptions struct {
	// Structs is the number of annotated state structs (N).
	Structs int
	// PerFile is the number of structs per source file; default 50.
	PerFile int
	// ModulePath is the module (and package) path; default
	// "example.com/synthstate". The package sits at the module root and is
	// named after the last path element.
	ModulePath string
	// RepoRoot is the absolute path of the routigen repository; go.mod
	// replaces github.com/routigen/routigen with it. Required.
	RepoRoot string
	// Accessors adds code that calls the generated accessors (TOf, getters,
	// setters, Update, Load, Key). Such a package compiles only after
	// `routigen gen` has written its routigen_gen.go.
	Accessors bool
}

func (o *StateOptions) defaults() {
	if o.PerFile <= 0 {
		o.PerFile = 50
	}
	if o.ModulePath == "" {
		o.ModulePath = "example.com/synthstate"
	}
}

// field is one entry of the field catalog a struct draws from.
type field struct {
	name     string // field (or, embedded, type) name
	decl     string // the declaration line inside the struct
	touch    string // statements that use s.<field> and add to n
	set      string // a value for the generated setter; "" when no accessors
	embedded bool
}

// catalog holds the field kinds of SPEC §2's shapes: scalars, strings,
// slices, maps, time values, nested, pointer, array and embedded structs,
// an unexported field and a `routigen:"-"` one.
var catalog = []field{
	{name: "Count", decl: "Count int", touch: "s.Count++\nn += s.Count", set: "1"},
	{name: "Total", decl: "Total int64", touch: "s.Total += 2\nn += int(s.Total)", set: "int64(2)"},
	{name: "Name", decl: "Name string", touch: "s.Name += \"x\"\nn += len(s.Name)", set: `"name"`},
	{name: "Enabled", decl: "Enabled bool", touch: "s.Enabled = !s.Enabled\nif s.Enabled {\nn++\n}", set: "true"},
	{name: "Ratio", decl: "Ratio float64", touch: "s.Ratio += 0.5\nn += int(s.Ratio)", set: "0.5"},
	{name: "Tags", decl: "Tags []string", touch: "s.Tags = append(s.Tags, \"t\")\nn += len(s.Tags)", set: `[]string{"a"}`},
	{name: "Scores", decl: "Scores []int", touch: "s.Scores = append(s.Scores, n)\nn += len(s.Scores)", set: "[]int{1, 2}"},
	{name: "Counts", decl: "Counts map[string]int", touch: "if s.Counts == nil {\ns.Counts = map[string]int{}\n}\ns.Counts[\"k\"]++\nn += s.Counts[\"k\"]", set: `map[string]int{"a": 1}`},
	{name: "Index", decl: "Index map[string][]string", touch: "if s.Index == nil {\ns.Index = map[string][]string{}\n}\ns.Index[\"k\"] = append(s.Index[\"k\"], \"v\")\nn += len(s.Index[\"k\"])", set: `map[string][]string{"a": {"b"}}`},
	{name: "Seen", decl: "Seen time.Time", touch: "s.Seen = s.Seen.Add(time.Second)\nn += s.Seen.Second()", set: "time.Unix(0, 0)"},
	{name: "Timeout", decl: "Timeout time.Duration", touch: "s.Timeout += time.Millisecond\nn += int(s.Timeout / time.Millisecond)", set: "time.Second"},
	{name: "Pos", decl: "Pos Point", touch: "s.Pos.X++\nn += s.Pos.X + s.Pos.Y", set: "Point{X: 1, Y: 2}"},
	{name: "Last", decl: "Last *Point", touch: "if s.Last == nil {\ns.Last = &Point{}\n}\ns.Last.Y++\nn += s.Last.Y", set: "&Point{X: 3}"},
	{name: "Window", decl: "Window Window", touch: "s.Window.Items = append(s.Window.Items, \"i\")\nn += len(s.Window.Items) + s.Window.Limit", set: "Window{Limit: 4}"},
	{name: "Origin", decl: "Origin", touch: "s.OX++\nn += s.Origin.OY + s.OX", set: "Origin{OX: 1}", embedded: true},
	{name: "Points", decl: "Points map[string]Point", touch: "if s.Points == nil {\ns.Points = map[string]Point{}\n}\ns.Points[\"p\"] = Point{X: n}\nn += len(s.Points)", set: `map[string]Point{"o": {}}`},
	{name: "Digest", decl: "Digest [8]byte", touch: "s.Digest[n%8]++\nn += int(s.Digest[0])", set: "[8]byte{1}"},
	{name: "Meta", decl: "Meta struct {\nAttempts int\nNotes []string\n}", touch: "s.Meta.Attempts++\ns.Meta.Notes = append(s.Meta.Notes, \"m\")\nn += s.Meta.Attempts + len(s.Meta.Notes)"},
	{name: "note", decl: "note string // unexported: no accessors", touch: "s.note += \"n\"\nn += len(s.note)"},
	{name: "Scratch", decl: "Scratch int `routigen:\"-\"` // no accessors", touch: "s.Scratch = n\nn += s.Scratch"},
}

// stateShape is the deterministic shape of struct i.
type stateShape struct {
	name      string
	directive string
	fields    []field
}

func shapeOf(i int) stateShape {
	sh := stateShape{name: fmt.Sprintf("State%05d", i)}
	d := "//routigen:state scope=job"
	if i%3 == 2 {
		d = "//routigen:state scope=worker"
	}
	if i%5 == 4 {
		d += " shared"
	}
	if i%7 == 3 {
		d += fmt.Sprintf(" key=synth.k%05d", i)
	}
	sh.directive = d
	k := 3 + (i*7)%10 // 3..12 fields
	start := (i * 5) % len(catalog)
	for j := range k {
		sh.fields = append(sh.fields, catalog[(start+j)%len(catalog)])
	}
	return sh
}

// StatePackage returns the files of a module holding one package with
// opt.Structs annotated state structs: go.mod, go.sum, doc.go, types.go and
// state_NNN.go (plus access_NNN.go with opt.Accessors).
func StatePackage(opt StateOptions) ([]File, error) {
	opt.defaults()
	if opt.Structs < 1 {
		return nil, fmt.Errorf("synth: Structs must be at least 1 (got %d)", opt.Structs)
	}
	files, err := moduleFiles(opt.ModulePath, opt.RepoRoot)
	if err != nil {
		return nil, err
	}
	pkg := path.Base(opt.ModulePath)

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Package %s is a synthetic input of routigen's scale benchmarks:\n// %d annotated state structs. Generated by internal/synth; do not edit.\npackage %s\n", pkg, opt.Structs, pkg)
	f, err := goFile("doc.go", b.Bytes())
	if err != nil {
		return nil, err
	}
	files = append(files, f)

	if f, err = goFile("types.go", typesFile(pkg)); err != nil {
		return nil, err
	}
	files = append(files, f)

	for first, nfile := 0, 0; first < opt.Structs; first, nfile = first+opt.PerFile, nfile+1 {
		last := min(first+opt.PerFile, opt.Structs)
		name := fmt.Sprintf("state_%03d.go", nfile)
		if f, err = goFile(name, stateFile(pkg, first, last)); err != nil {
			return nil, err
		}
		files = append(files, f)
		if opt.Accessors {
			name = fmt.Sprintf("access_%03d.go", nfile)
			if f, err = goFile(name, accessFile(pkg, first, last)); err != nil {
				return nil, err
			}
			files = append(files, f)
		}
	}
	return files, nil
}

// typesFile declares the named types the state structs of package pkg
// use.
func typesFile(pkg string) []byte {
	return fmt.Appendf(nil, `package %s

// Point is a plain nested struct.
type Point struct {
	X, Y int
}

// Origin is embedded in some state structs.
type Origin struct {
	OX, OY int
}

// Window is a nested struct that holds a slice and a map.
type Window struct {
	Items []string
	Marks map[string]bool
	Limit int
}
`, pkg)
}

// StateModule returns the files of a module, example.com/synthmods, of
// pkgs packages (p000, p001, ...) with structs annotated state structs
// each: the shape `routigen ./...` meets in a service's module (SPEC §5:
// 100 packages of 5).
func StateModule(pkgs, structs int, repoRoot string) ([]File, error) {
	if pkgs < 1 || structs < 1 {
		return nil, fmt.Errorf("synth: StateModule needs a package and a struct at least (got %d, %d)", pkgs, structs)
	}
	files, err := moduleFiles("example.com/synthmods", repoRoot)
	if err != nil {
		return nil, err
	}
	for i := range pkgs {
		pkg := fmt.Sprintf("p%03d", i)
		for name, src := range map[string][]byte{"types.go": typesFile(pkg), "state.go": stateFile(pkg, i*structs, (i+1)*structs)} {
			f, err := goFile(pkg+"/"+name, src)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
	}
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return files, nil
}

func stateFile(pkg string, first, last int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "package %s\n\nimport \"time\"\n\nvar _ = time.Second\n", pkg)
	for i := first; i < last; i++ {
		sh := shapeOf(i)
		fmt.Fprintf(&b, "\n// %s is synthetic state number %d.\n//\n%s\ntype %s struct {\n", sh.name, i, sh.directive, sh.name)
		for _, fl := range sh.fields {
			b.WriteString(fl.decl)
			b.WriteByte('\n')
		}
		b.WriteString("}\n")
		fmt.Fprintf(&b, "\nfunc touch%s(s *%s) int {\nn := 0\n", sh.name, sh.name)
		for _, fl := range sh.fields {
			b.WriteString(fl.touch)
			b.WriteByte('\n')
		}
		b.WriteString("return n\n}\n")
	}
	return b.Bytes()
}

func accessFile(pkg string, first, last int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "package %s\n\nimport (\n\"context\"\n\"time\"\n)\n\nvar _ = time.Second\n", pkg)
	for i := first; i < last; i++ {
		sh := shapeOf(i)
		names := directive.NamesFor(sh.name)
		fmt.Fprintf(&b, "\n// Use%s exercises every generated accessor of %s.\nfunc Use%s(ctx context.Context) (int, error) {\n", sh.name, sh.name, sh.name)
		fmt.Fprintf(&b, "a, err := %s(ctx)\nif err != nil {\nreturn 0, err\n}\nn := 0\n", names.Of)
		fmt.Fprintf(&b, "a.Update(func(s *%s) { n += touch%s(s) })\n", sh.name, sh.name)
		for _, fl := range sh.fields {
			if fl.set == "" {
				continue
			}
			get, set := directive.FieldMethods(fl.name)
			fmt.Fprintf(&b, "_ = a.%s()\na.%s(%s)\n", get, set, fl.set)
		}
		fmt.Fprintf(&b, "v := a.Load()\nn += touch%s(&v)\n", sh.name)
		if sh.directive == "//routigen:state scope=job" {
			b.WriteString("a.Store(v)\n")
		}
		b.WriteString("return n + len(a.Key()), nil\n}\n")
	}
	return b.Bytes()
}

package gen

import (
	"cmp"
	"fmt"
	"go/token"
	"slices"
	"strings"
)

// breakage is a difference between the committed manifest and the source
// that would misread or lose stored values.
type breakage struct {
	pos token.Position
	msg string // what changed, in both versions, and what it does
	fix string // how to keep the stored values instead
}

// acceptHint is the other way out of a breaking change.
const acceptHint = "or, if stored values may be lost or misread, accept the change with routigen gen -allow-breaking"

// error is b as reported by gen and check: what, and both ways out.
func (b breakage) error() string { return b.msg + "; " + b.fix + ", " + acceptHint }

// reconcile numbers cur, the shape the source declares, against old, the
// committed manifest (nil: none yet), and returns the breaking changes.
// Compatible changes (a field added, a field removed, a rename that keeps
// the stored name) bump a type's version; an accepted breaking change
// (allow) also moves its since to the new version, so that the codec
// refuses values stored before it.
func reconcile(old, cur *manifest, allow bool) []breakage {
	var oldTypes []*mType
	if old != nil {
		oldTypes = old.types
	}
	matched := matchTypes(oldTypes, cur.types)
	var out []breakage
	for _, c := range cur.types {
		o := matched[c]
		if o == nil {
			c.version, c.since = 1, 1
			out = append(out, renamedType(c, oldTypes, matched)...)
			continue
		}
		breaks := compareType(o, c)
		out = append(out, breaks...)
		c.version, c.since = o.version, o.since
		if !o.sameShape(c) || !slices.Equal(o.removed, c.removed) {
			c.version++
		}
		if len(breaks) > 0 && allow {
			c.since = c.version
		}
		c.removed = slices.DeleteFunc(c.removed, func(r mRemoved) bool { return r.in <= c.since })
	}
	// Types gone from the code keep their entry, marked removed.
	paired := map[*mType]bool{}
	for _, o := range matched {
		paired[o] = true
	}
	for _, o := range oldTypes {
		if !paired[o] {
			g := *o
			if g.removedIn == 0 {
				g.removedIn = o.version + 1
			}
			cur.types = append(cur.types, &g)
		}
	}
	slices.SortFunc(cur.types, func(a, b *mType) int { return cmp.Compare(a.name, b.name) })
	slices.SortStableFunc(out, func(a, b breakage) int {
		return cmp.Or(cmp.Compare(a.pos.Filename, b.pos.Filename), cmp.Compare(a.pos.Line, b.pos.Line), cmp.Compare(a.pos.Column, b.pos.Column))
	})
	return out
}

// matchTypes pairs each current type with its committed entry: the one of
// the same name, or else an unpaired one with the same storage key, scope
// and sharing (a Go type renamed, its stored values kept through key=).
func matchTypes(old, cur []*mType) map[*mType]*mType {
	matched := map[*mType]*mType{}
	used := map[*mType]bool{}
	for _, c := range cur {
		for _, o := range old {
			if o.name == c.name {
				matched[c], used[o] = o, true
			}
		}
	}
	for _, c := range cur {
		if matched[c] != nil {
			continue
		}
		for _, o := range old {
			if !used[o] && o.key == c.key && o.scope == c.scope && o.shared == c.shared {
				matched[c], used[o] = o, true
				break
			}
		}
	}
	return matched
}

// renamedType reports a new type that stores exactly what an unpaired
// committed type stored, in the same scope and sharing, under another
// storage key: a Go type renamed without keeping its storage name.
func renamedType(c *mType, old []*mType, matched map[*mType]*mType) []breakage {
	paired := map[*mType]bool{}
	for _, o := range matched {
		paired[o] = true
	}
	for _, o := range old {
		if paired[o] || o.removedIn > 0 || len(o.fields) == 0 || o.scope != c.scope || o.shared != c.shared || !slices.Equal(o.fields, c.fields) {
			continue
		}
		return []breakage{{c.src.t.pos, fmt.Sprintf(
			"%s looks like %s renamed (same scope, sharing and fields), but its storage key changed from %q (%s version %d, %s) to %q (%s version 1, the code): values stored under the old key would not be found",
			c.name, o.name, o.key, o.name, o.version, ManifestName, c.key, c.name), "keep the key with key=" + o.key + " in the directive"}}
	}
	return nil
}

// compareType reports the breaking changes from o (committed) to c (the
// source) and sets c's tombstones: o's, plus the fields removed now.
func compareType(o, c *mType) []breakage {
	d := &typeDiff{o: o, c: c, now: fmt.Sprintf("version %d, the code", o.version+1)}
	d.storage()
	d.renames(d.fields())
	return d.out
}

// typeDiff collects the breaking changes between two shapes of one type.
type typeDiff struct {
	o, c *mType
	now  string // the new version, as messages name it
	out  []breakage
}

func (d *typeDiff) at(pos token.Position, fix, format string, args ...any) {
	d.out = append(d.out, breakage{pos, fmt.Sprintf(format, args...), fix})
}

// was names the committed version in messages.
func (d *typeDiff) was() string { return fmt.Sprintf("version %d, %s", d.o.version, ManifestName) }

// storage compares the storage key, scope and sharing.
func (d *typeDiff) storage() {
	o, c, pos := d.o, d.c, d.c.src.t.pos
	if o.key != c.key {
		d.at(pos, "restore key="+o.key, "%s: storage key changed from %q (%s) to %q (%s): values stored under the old key would not be found",
			c.name, o.key, d.was(), c.key, d.now)
	}
	if o.scope != c.scope {
		d.at(pos, "restore scope="+string(o.scope), "%s: scope changed from %s (%s) to %s (%s): values stored in one scope are not found in the other",
			c.name, o.scope, d.was(), c.scope, d.now)
	}
	if o.shared != c.shared {
		// The fix undoes the change: back to what the manifest recorded.
		fix := "remove the shared option"
		if o.shared {
			fix = "restore the shared option"
		}
		d.at(pos, fix, "%s: sharing changed from %s (%s) to %s (%s): values stored per %s are not found per %s",
			c.name, o.sharing(), d.was(), c.sharing(), d.now, nsWord(o.shared), nsWord(c.shared))
	}
}

// fields compares the fields both shapes store, and fields back from a
// tombstone; it returns the fields added, in declaration order.
func (d *typeDiff) fields() []*srcField {
	o, c := d.o, d.c
	var added []*srcField
	for _, f := range c.fields {
		sf := c.src.fields[f.name]
		if of, ok := o.field(f.name); ok {
			if of.typ != f.typ {
				d.at(sf.pos, "keep the type and store the new one in a new field", "field %s of %s: stored type changed from %s (%s) to %s (%s): values stored as %s would be misread",
					sf.goName, c.name, of.typ, d.was(), f.typ, d.now, of.typ)
				continue
			}
			for _, n := range sf.reach {
				if ou, ok := o.namedType(n); ok {
					cu, _ := c.namedType(n)
					d.named(sf, n, ou, cu)
				}
			}
			continue
		}
		if r, ok := o.removedField(f.name); ok {
			if r.typ != f.typ {
				d.at(sf.pos, "give the field another stored name", "field %s of %s: stored as %s until version %d (%s) and now %s (%s): values stored before version %d would be misread",
					sf.goName, c.name, r.typ, r.in-1, ManifestName, f.typ, d.now, r.in)
			}
			continue
		}
		added = append(added, sf)
	}
	slices.SortFunc(added, func(a, b *srcField) int { return cmp.Compare(a.pos.Offset, b.pos.Offset) })
	return added
}

// renames reports an added field with the type of a field gone now: most
// likely that field renamed, whose stored values the change would lose.
// The other fields gone join c's tombstones.
func (d *typeDiff) renames(added []*srcField) {
	o, c := d.o, d.c
	var gone []mField
	for _, of := range o.fields {
		if _, ok := c.field(of.name); !ok {
			gone = append(gone, of)
		}
	}
	for _, a := range added {
		typ := c.fieldType(a.stored)
		i := slices.IndexFunc(gone, func(g mField) bool { return g.typ == typ })
		if i < 0 {
			continue
		}
		g := gone[i]
		gone = slices.Delete(gone, i, i+1)
		d.at(a.pos, "keep the stored name with the tag `routigen:\"name="+g.name+"\"`", "field %s of %s: renamed from %s (%s: %s %s) without keeping its stored name (%s: %s %s): values stored as %s would be lost",
			a.goName, c.name, g.name, d.was(), g.name, g.typ, d.now, a.stored, typ, g.name)
	}
	c.removed = nil
	for _, r := range o.removed {
		if _, back := c.field(r.name); !back {
			c.removed = append(c.removed, r)
		}
	}
	for _, g := range gone {
		c.removed = append(c.removed, mRemoved{g.name, g.typ, o.version + 1})
	}
	slices.SortFunc(c.removed, func(a, b mRemoved) int { return cmp.Compare(a.name, b.name) })
}

func (t *mType) fieldType(name string) string {
	f, _ := t.field(name)
	return f.typ
}

func nsWord(shared bool) string {
	if shared {
		return "flow"
	}
	return "routine"
}

// named compares the committed and current structure of a named type that
// field sf holds. Structs follow the rules of state types themselves, as
// encoding/json reads them by field name: a field added or removed is
// compatible; a field whose type or tag changed, or one renamed (a field
// gone and one with its type and tag added), is not. Any other change of
// structure is breaking.
func (d *typeDiff) named(sf *srcField, n, ou, cu string) {
	if ou == cu {
		return
	}
	before, ok1 := structFields(ou)
	after, ok2 := structFields(cu)
	if !ok1 || !ok2 {
		d.at(sf.pos, "keep that type as it was and use a new one", "field %s of %s: its type %s changed from %s (%s) to %s (%s): values stored with the old %s would be misread",
			sf.goName, d.c.name, n, ou, d.was(), cu, d.now, n)
		return
	}
	var gone, added []structField
	for _, b := range before {
		i := slices.IndexFunc(after, func(a structField) bool { return a.name == b.name })
		switch {
		case i < 0:
			gone = append(gone, b)
		case after[i].rest != b.rest:
			d.at(sf.pos, "keep the field of "+n+" as it was and add a new one", "field %s of %s: field %s of its type %s changed from %q (%s) to %q (%s): values stored with the old %s would be misread",
				sf.goName, d.c.name, b.name, n, b.text, d.was(), after[i].text, d.now, b.name)
		}
	}
	for _, a := range after {
		if !slices.ContainsFunc(before, func(b structField) bool { return b.name == a.name }) {
			added = append(added, a)
		}
	}
	for _, a := range added {
		i := slices.IndexFunc(gone, func(g structField) bool { return g.rest == a.rest })
		if i < 0 {
			continue
		}
		g := gone[i]
		gone = slices.Delete(gone, i, i+1)
		d.at(sf.pos, "keep the field of "+n+" under its old name", "field %s of %s: field %s of its type %s (%s) is %s now (%s): values stored as %s would be lost",
			sf.goName, d.c.name, g.name, n, d.was(), a.name, d.now, g.name)
	}
}

// structField is one field of a struct type as types.TypeString spells it.
type structField struct {
	text string // the whole field: name, type and tag
	name string // its name (for an embedded field, its type's name)
	rest string // what follows the name (the whole text when embedded)
}

// structFields splits the spelling of a struct type into its fields; ok is
// false when u is not a struct type.
func structFields(u string) (fields []structField, ok bool) {
	inner, ok := strings.CutPrefix(u, "struct{")
	if !ok || !strings.HasSuffix(inner, "}") {
		return nil, false
	}
	inner = strings.TrimSuffix(inner, "}")
	add := func(text string) {
		if text == "" {
			return
		}
		f := structField{text: text, rest: text}
		if name, rest, ok := strings.Cut(text, " "); ok && isIdent(name) && !strings.HasPrefix(rest, "\"") {
			f.name, f.rest = name, rest
		} else {
			// Embedded: named after its type, without package path or
			// type arguments (example.com/p.Pair[string, int] is Pair).
			typ, _, _ := cutNamed(text)
			typ = strings.TrimPrefix(typ, "*")
			if i := strings.IndexByte(typ, '['); i >= 0 {
				typ = typ[:i]
			}
			f.name = typ[strings.LastIndexByte(typ, '.')+1:]
		}
		fields = append(fields, f)
	}
	for rest, more := inner, true; more; {
		var field string
		field, rest, more = cutTop(rest, ';')
		add(strings.TrimSpace(field))
	}
	return fields, true
}

// Package ext has an exported recursive type, and an unexported type that
// is not recursive behind an exported field: routigen copies both deeply.
package ext

// Node is an exported recursive type.
type Node struct {
	Name string
	Kids []Node
}

type item struct {
	Tags []string
}

// Holder holds unexported items.
type Holder struct {
	Items []item
}

// NewHolder returns a Holder with one item of one tag.
func NewHolder(tag string) Holder { return Holder{Items: []item{{Tags: []string{tag}}}} }

// Tag returns the first tag of the first item.
func (h Holder) Tag() string { return h.Items[0].Tags[0] }

// SetTag sets the first tag of the first item.
func (h Holder) SetTag(tag string) { h.Items[0].Tags[0] = tag }

// Web is exported and recursive only through the unexported web: the
// copy walks web inline between calls of Web's closure.
type Web struct {
	Name  string
	Links []web
}

type web struct {
	Tags []string
	Back []Web
}

// NewWeb returns a Web with one link back to a Web named kid.
func NewWeb(name, kid string) Web {
	return Web{Name: name, Links: []web{{Tags: []string{"t"}, Back: []Web{{Name: kid}}}}}
}

// Kid returns the name of the first Web behind the first link.
func (w Web) Kid() string { return w.Links[0].Back[0].Name }

// SetKid renames the first Web behind the first link.
func (w Web) SetKid(name string) { w.Links[0].Back[0].Name = name }

package directive

import (
	"fmt"
	"go/token"
	"strings"
)

// TagKey is the struct tag key of state fields: `routigen:"..."`.
const TagKey = "routigen"

// FieldTag is a parsed `routigen:"..."` struct tag of a state field. Its
// value is a comma-separated list of items:
//
//	"-"          no accessors for the field (Load and Store still keep it)
//	"name=NAME"  store the field under NAME instead of its Go name, so that
//	             a renamed field keeps reading what was stored under its
//	             old name
type FieldTag struct {
	NoAccessors bool
	Name        string // the stored name; "" for the field's own name
}

// ParseFieldTag parses the value of a routigen struct tag.
func ParseFieldTag(v string) (FieldTag, error) {
	var t FieldTag
	for item := range strings.SplitSeq(v, ",") {
		switch k, val, hasValue := strings.Cut(item, "="); {
		case item == "-" && !t.NoAccessors:
			t.NoAccessors = true
		case k == "name" && hasValue && t.Name == "":
			if !token.IsIdentifier(val) {
				return FieldTag{}, fmt.Errorf("stored name %q in routigen:%q is not a Go identifier", val, v)
			}
			t.Name = val
		case item == "-" || k == "name" && hasValue:
			return FieldTag{}, fmt.Errorf("routigen:%q gives %s twice (keep one)", v, k)
		default:
			return FieldTag{}, fmt.Errorf("unknown item %q in tag routigen:%q (items: \"-\" for no accessors, \"name=NAME\" to keep a stored name; see routigen explain manifest)", item, v)
		}
	}
	return t, nil
}

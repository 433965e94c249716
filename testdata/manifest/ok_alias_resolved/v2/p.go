package p

// The aliases are gone, replaced by what they stood for: the stored shape
// is the same.

//routigen:state scope=worker
type Loop struct {
	Owner  string
	Names  []string
	Counts map[string]int
	B      []byte
}

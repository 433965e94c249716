package p

// ID is an alias: fields of type ID store what it stands for.
type ID = int

// Tags is a generic alias.
type Tags[T any] = []T

// Box is reached with an alias as its type argument.
type Box[T any] struct{ V []T }

//routigen:state scope=worker
type Loop struct {
	Owner ID
	Names Tags[ID]
	ByID  map[ID]int
	Box   Box[ID]
	Same  Tags[int]
}

package p

type ID = string

type List[T any] = []T

type Counts = map[ID]int

//routigen:state scope=worker
type Loop struct {
	Owner  ID
	Names  List[ID]
	Counts Counts
	B      []byte
}

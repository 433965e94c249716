package p

// Loop and Seen are gone in version 2 and the package keeps no state: the
// manifest stays, both marked removed, since their stored values outlive
// them and a type that comes back under the name or key is held to its
// shape.
type Loop struct {
	Count int
}

package foreign

// Mine is a hand-written file with routigen's name, in a package without
// annotated types: left alone, and no error.
func Mine() {}

package ok

func describe(s State) string { return "linux" }

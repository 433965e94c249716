// Package lib declares a length other packages use.
package lib

// Size is the same in every build.
const Size = 3

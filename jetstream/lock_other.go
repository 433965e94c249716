//go:build !unix

package jetstream

import (
	"fmt"
	"path/filepath"
	"sync"
)

// inUse holds the store directories of the servers running in this
// process: without flock, a second server is refused in this process only.
var inUse sync.Map

// lockStore marks a store directory in use for as long as a server runs
// on it: two servers on one directory would both write its files.
func lockStore(dir string) (unlock func(), err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("store directory: %w", err)
	}
	if _, loaded := inUse.LoadOrStore(abs, struct{}{}); loaded {
		return nil, fmt.Errorf("store directory %s is in use by another server in this process", dir)
	}
	return func() { inUse.Delete(abs) }, nil
}

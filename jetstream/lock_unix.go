//go:build unix

package jetstream

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockStore takes the lock of a store directory, StoreDir/routigen.lock,
// for as long as a server runs on it: two servers on one directory would
// both write its files. The lock is the kernel's (flock), so it holds
// against other processes and ends with this one, however it ends.
func lockStore(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "routigen.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("store directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("store directory %s is in use by another server, in this process or another", dir)
		}
		return nil, fmt.Errorf("store directory: lock: %w", err)
	}
	return func() { f.Close() }, nil // closing the file releases the lock
}

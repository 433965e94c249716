// Package logx holds logging helpers of another package: that they only
// log their error or ok reaches the callers as facts.
package logx

import (
	"fmt"
	"log"
	"log/slog"
	"os"
)

// Warn logs err.
func Warn(err error) { log.Printf("warning: %v", err) } // want Warn:`only logs parameters \[0\]`

// Note logs through slog and err.Error().
func Note(msg string, err error) { slog.Info(msg, "err", err.Error()) } // want Note:`only logs parameters \[1\]`

// Both hands err to Warn and prints ok.
func Both(ok bool, err error) { // want Both:`only logs parameters \[0 1\]`
	fmt.Fprintln(os.Stderr, "ok:", ok)
	Warn(err)
}

// Keep stores err: it is handled (kept for later), not only logged.
func Keep(err error) { last = err }

var last error

// Check decides with err: not only logged.
func Check(err error) bool { return err != nil }

// LogAndReturn logs and returns it.
func LogAndReturn(err error) error {
	log.Print(err)
	return err
}

// Wrap builds a new error from it.
func Wrap(err error) error { return fmt.Errorf("logx: %w", err) } // want Wrap:`always returns a non-nil error`

// Unused ignores it: nothing logged, nothing to learn.
func Unused(err error) {}

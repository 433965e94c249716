// Package errs builds errors; it does not import the runtime, so the check
// recognises its always-failing functions without SSA.
package errs

import (
	"errors"
	"fmt"
)

var ErrNoJob = errors.New("errs: no job")

type Missing struct{ What string }

func (m *Missing) Error() string { return "errs: no " + m.What }

func NoJob(what string) error { // want NoJob:"always returns a non-nil error"
	return &Missing{What: what}
}

func Wrapped(what string) error { // want Wrapped:"always returns a non-nil error"
	if what == "" {
		return ErrNoJob
	}
	return fmt.Errorf("errs: %s: %w", what, NoJob(what))
}

func Maybe(err error) error {
	return err
}

// Status is a status error, as gRPC's status.Errorf: nil for code 0, so
// not always an error.
func Status(code int, format string, args ...any) error {
	if code == 0 {
		return nil
	}
	return fmt.Errorf("code %d: %s", code, fmt.Sprintf(format, args...))
}

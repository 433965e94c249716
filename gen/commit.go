package gen

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Change is one file Commit wrote or removed.
type Change struct {
	File   string
	Action Action
}

// Commit writes and removes generated files as the result says, for every
// package without errors. It returns what it changed and the joined errors
// of the files it could not change; it goes on past a failing file.
func (r *Result) Commit() ([]Change, error) {
	var changes []Change
	var errs []error
	now := time.Now()
	for _, p := range r.Packages {
		if p.Dir != "" && len(p.Errors) == 0 {
			removeStaleTemps(p.Dir, now)
		}
		switch a := p.Action(); a {
		case Write:
			if err := writeAtomic(p.File, p.Content); err != nil {
				errs = append(errs, fmt.Errorf("routigen: write %s: %w", p.File, err))
				continue
			}
			changes = append(changes, Change{p.File, a})
		case Remove:
			if err := os.Remove(p.File); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, fmt.Errorf("routigen: remove %s: %w", p.File, err))
				continue
			}
			changes = append(changes, Change{p.File, a})
		}
		if c, err := p.commitManifest(); err != nil {
			errs = append(errs, err)
		} else if c != nil {
			changes = append(changes, *c)
		}
	}
	return changes, errors.Join(errs...)
}

// writeAtomic writes content to file through a temporary file in the same
// directory and a rename, keeping the mode of an existing file. A symlink
// is written through: its target gets the content, the link stays.
func writeAtomic(file string, content []byte) (err error) {
	if fi, err := os.Lstat(file); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		if file, err = filepath.EvalSymlinks(file); err != nil {
			return err
		}
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(file); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), tempPrefix(file)+"*"+tempSuffix)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(content); err != nil {
		return err
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	// The bytes reach the disk before the rename does: a crash just after
	// the rename must not leave an empty or partial file in its place.
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// Temporary files are named .routigen_gen.go.<random>.tmp (or after the
// manifest): hidden from the go command, and recognisably ours.
const tempSuffix = ".tmp"

func tempPrefix(file string) string { return "." + filepath.Base(file) + "." }

// staleTempAge is how old a temporary file of ours must be before a run
// removes it: younger ones may belong to a run still writing.
const staleTempAge = time.Minute

// removeStaleTemps removes the temporary files an interrupted run left in
// dir (only ours, and only old ones).
func removeStaleTemps(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		mid, ok := strings.CutPrefix(name, tempPrefix(FileName))
		if !ok {
			mid, ok = strings.CutPrefix(name, tempPrefix(ManifestName))
		}
		if !ok || e.IsDir() || !strings.HasSuffix(mid, tempSuffix) {
			continue
		}
		if digits := strings.TrimSuffix(mid, tempSuffix); digits == "" || strings.Trim(digits, "0123456789") != "" {
			continue // not a name os.CreateTemp gave us
		}
		if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) >= staleTempAge {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

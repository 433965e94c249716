package gen

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"time"

	"golang.org/x/tools/go/packages"
)

// CacheEnv is the environment variable that places the render cache of
// the routigen command (see DefaultCacheDir): "off" turns it off, an
// absolute path is its directory.
const CacheEnv = "ROUTIGENCACHE"

// DefaultCacheDir returns the render cache directory the routigen command
// uses for gen: CacheEnv when it is an absolute path, "" (no cache) when it
// is "off" or another value, else routigen under os.UserCacheDir (or ""
// when there is none).
func DefaultCacheDir(getenv func(string) string) string {
	switch v := getenv(CacheEnv); {
	case v == "":
	case filepath.IsAbs(v):
		return v
	default:
		return ""
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "routigen")
}

// renderCache remembers, per package, the hash of the file rendering
// produced from inputs with a given hash, so that a run whose inputs and
// file are unchanged skips rendering (most of a run's own work).
//
// The key hashes everything rendering is a function of: the generator
// itself (the build ID of the running executable), the bytes of every
// source file the type checker parsed (hashed as they were parsed, not
// read again), the package's language version and type sizes, the
// identity of every dependency (by the same rule when it was loaded from
// source, else by the content-addressed name or the bytes of its export
// data, transitively), GODEBUG and GOEXPERIMENT, and the stored shape
// (the manifest the run computed, which the codecs spell out). An entry is
// used only when the file on disk hashes to the output hash it records, so
// a hand-edited or missing file is rendered again. Anything unknown (no
// build ID, a dependency without export data) means no key: the package is
// rendered.
type renderCache struct {
	dir    string
	gen    string   // the generator's identity
	parsed sync.Map // file name -> [sha256.Size]byte of the bytes parsed
	ids    map[*packages.Package]string
	now    time.Time
	made   bool // dir exists
}

// cacheFormat names the key's layout; a change of it is a change of keys.
const cacheFormat = "routigen render cache 1"

// newRenderCache returns the cache in dir, or nil when dir is "" or the
// generator cannot tell its own identity.
func newRenderCache(dir string) *renderCache {
	if dir == "" {
		return nil
	}
	id := generatorID()
	if id == "" {
		return nil
	}
	return &renderCache{dir: dir, gen: id, ids: map[*packages.Package]string{}, now: time.Now()}
}

// parseFile is packages.Config.ParseFile: the loader's own parse, which
// records the hash of the bytes it parses.
func (c *renderCache) parseFile(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
	c.parsed.Store(filename, sha256.Sum256(src))
	return parseSource(fset, filename, src)
}

// key returns the cache key of w's rendering, or "" when some input has no
// known identity.
func (c *renderCache) key(w *pkgWork) string {
	id := c.identity(w.lp)
	if id == "" || w.shape == nil {
		return ""
	}
	h := sha256.New()
	// GODEBUG and GOEXPERIMENT are read by go/types in this process.
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00", cacheFormat, c.gen, os.Getenv("GODEBUG"), os.Getenv("GOEXPERIMENT"), id)
	h.Write(w.shape.format())
	return hex.EncodeToString(h.Sum(nil))
}

// exportName is how the go command's build cache names a file by the
// SHA-256 of its content: the name is the content's identity.
var exportName = regexp.MustCompile(`^[0-9a-f]{64}-d$`)

// identity returns the identity of what the type checker saw of p, or ""
// when it is unknown.
func (c *renderCache) identity(p *packages.Package) string {
	if id, ok := c.ids[p]; ok {
		return id
	}
	c.ids[p] = "" // a cycle (impossible in Go) has no identity
	h := sha256.New()
	switch src := c.sourceHashes(p); {
	case p.PkgPath == "unsafe":
		h.Write([]byte("unsafe"))
	case src != nil:
		fmt.Fprintf(h, "source\x00%s\x00%s\x00%#v\x00", p.PkgPath, p.Name, p.TypesSizes)
		if p.Module != nil {
			fmt.Fprintf(h, "module\x00%s\x00%s\x00", p.Module.Path, p.Module.GoVersion)
		}
		for i, f := range p.CompiledGoFiles {
			fmt.Fprintf(h, "%s\x00%x\x00", f, src[i])
		}
	case p.ExportFile != "" && exportName.MatchString(filepath.Base(p.ExportFile)):
		fmt.Fprintf(h, "export\x00%s\x00%s\x00", p.PkgPath, filepath.Base(p.ExportFile))
	case p.ExportFile != "":
		f, err := os.Open(p.ExportFile)
		if err != nil {
			return ""
		}
		fmt.Fprintf(h, "export\x00%s\x00", p.PkgPath)
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return ""
		}
	default:
		return ""
	}
	paths := make([]string, 0, len(p.Imports))
	for path := range p.Imports {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		dep := c.identity(p.Imports[path])
		if dep == "" {
			return ""
		}
		fmt.Fprintf(h, "import\x00%s\x00%s\x00", path, dep)
	}
	id := hex.EncodeToString(h.Sum(nil))
	c.ids[p] = id
	return id
}

// sourceHashes returns the hashes of the bytes the loader parsed of p's
// files, or nil when p was not loaded from source (or not all of it).
func (c *renderCache) sourceHashes(p *packages.Package) [][sha256.Size]byte {
	if len(p.CompiledGoFiles) == 0 {
		return nil
	}
	out := make([][sha256.Size]byte, len(p.CompiledGoFiles))
	for i, f := range p.CompiledGoFiles {
		v, ok := c.parsed.Load(f)
		if !ok {
			return nil
		}
		out[i] = v.([sha256.Size]byte)
	}
	return out
}

// entry returns the cache file of key. Entries are one small file each,
// in one directory: a run that renders every package writes one per
// package, and a directory per shard would double its system calls.
func (c *renderCache) entry(key string) string {
	return filepath.Join(c.dir, key)
}

// hit reports whether the entry of key says that rendering yields exactly
// existing.
func (c *renderCache) hit(key string, existing []byte) bool {
	if key == "" || existing == nil {
		return false
	}
	file := c.entry(key)
	want, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	sum := sha256.Sum256(existing)
	if !bytes.Equal(bytes.TrimSpace(want), []byte(hex.EncodeToString(sum[:]))) {
		return false
	}
	// Keep entries in use from being trimmed.
	if fi, err := os.Stat(file); err == nil && c.now.Sub(fi.ModTime()) > time.Hour {
		os.Chtimes(file, c.now, c.now)
	}
	return true
}

// put records that rendering with key yields content, through a temporary
// file and a rename (a reader sees the whole entry or none). A cache that
// cannot be written is no error: the next run renders again.
func (c *renderCache) put(key string, content []byte) {
	if key == "" {
		return
	}
	if !c.made {
		if os.MkdirAll(c.dir, 0o777) != nil {
			return
		}
		c.made = true
	}
	sum := sha256.Sum256(content)
	tmp, err := os.CreateTemp(c.dir, ".entry.*"+tempSuffix)
	if err != nil {
		return
	}
	_, err = tmp.WriteString(hex.EncodeToString(sum[:]) + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.entry(key))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

// trimAge is how long an entry that no run used stays in the cache (and a
// temporary file an interrupted run left).
const trimAge = 30 * 24 * time.Hour

// trim removes, at most once a day, the entries no run used for trimAge.
func (c *renderCache) trim() {
	mark := filepath.Join(c.dir, "trim.txt")
	if fi, err := os.Stat(mark); err == nil && c.now.Sub(fi.ModTime()) < 24*time.Hour {
		return
	}
	entries, _ := os.ReadDir(c.dir)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && c.now.Sub(fi.ModTime()) > trimAge {
			os.Remove(filepath.Join(c.dir, e.Name()))
		}
	}
	if os.MkdirAll(c.dir, 0o777) == nil {
		os.WriteFile(mark, []byte(c.now.UTC().Format(time.RFC3339)+"\n"), 0o666)
	}
}

// generatorID is the identity of the running generator: the Go build ID
// of its executable (which hashes every input of its build), or the
// SHA-256 of the executable where it has none that can be read cheaply;
// "" when neither can be had.
var generatorID = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	if id := elfBuildID(exe); id != "" {
		return "buildid:" + id
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
})

// elfBuildID reads the Go build ID note of an ELF executable ("" when
// file is not ELF or has none).
func elfBuildID(file string) string {
	f, err := elf.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil {
		return ""
	}
	data, err := s.Data()
	// The note: namesz, descsz, type (4 = Go build ID), "Go\x00\x00", desc.
	if err != nil || len(data) < 16 {
		return ""
	}
	order := f.ByteOrder
	namesz, descsz, typ := order.Uint32(data), order.Uint32(data[4:]), order.Uint32(data[8:])
	if namesz != 4 || typ != 4 || string(data[12:16]) != "Go\x00\x00" || uint64(16)+uint64(descsz) > uint64(len(data)) {
		return ""
	}
	return string(data[16 : 16+descsz])
}

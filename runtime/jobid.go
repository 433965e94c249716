package runtime

import (
	crand "crypto/rand"
	"encoding/binary"
	"sync/atomic"

	"github.com/google/uuid"
)

// idSource makes the ids of jobs and workers: UUIDs whose first ten bytes
// are random, drawn once per Runtime (once per flow for the workers Exec
// starts, see plan.execIDs), and whose last six count up. They are
// unique within a runtime by the counter (2^48 ids before it wraps) and
// across runtimes and processes by the 74 random bits of the prefix, and
// they keep the version 4 and RFC 4122 variant bits, so they read as the
// random UUIDs they used to be. Drawing 16 random bytes per job cost more
// than the rest of making the job's id.
type idSource struct {
	prefix [10]byte
	n      atomic.Uint64
}

func (s *idSource) init() {
	crand.Read(s.prefix[:])                   // never fails (crypto/rand since Go 1.24)
	s.prefix[6] = (s.prefix[6] & 0x0f) | 0x40 // version 4
	s.prefix[8] = (s.prefix[8] & 0x3f) | 0x80 // variant RFC 4122
}

func (s *idSource) next() string { return s.format(s.n.Add(1)) }

// made reports whether s made id, whose parse is u: its prefix is s's, its
// number one s gave out, and it is spelled as s spells it (uuid.Parse
// also takes other spellings of the same UUID, which no Exec returned).
func (s *idSource) made(u uuid.UUID, id string) bool {
	if [10]byte(u[:10]) != s.prefix {
		return false
	}
	var c [8]byte
	copy(c[2:], u[10:])
	n := binary.BigEndian.Uint64(c[:])
	return n >= 1 && n <= s.n.Load() && s.format(n) == id
}

// format returns id number n.
func (s *idSource) format(n uint64) string {
	var u uuid.UUID
	copy(u[:10], s.prefix[:])
	var c [8]byte
	binary.BigEndian.PutUint64(c[:], n)
	copy(u[10:], c[2:])
	return u.String()
}

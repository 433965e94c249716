package jetstream

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// The backend's streams: the jobs stream and the records and state
// buckets, shared by every node under one prefix. A node creates what is
// missing and updates what exists to its configuration, but only if the
// options the nodes choose agree (see agree): a misconfigured node must
// not silently change what the others rely on.

// provision creates or updates the jobs stream and the two buckets, each
// call under its own deadline.
func (b *Backend) provision() error {
	ttl := b.cfg.recordTTL
	for _, st := range []struct {
		what, stream string
		ttl          *time.Duration
	}{
		{"jobs stream", b.cfg.prefix + "_JOBS", nil},
		{"records bucket", "KV_" + b.cfg.prefix + "_records", &ttl},
		{"state bucket", "KV_" + b.cfg.prefix + "_state", nil},
	} {
		if err := b.agreeWith(st.stream, st.ttl); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	var err error
	ctx, cancel := b.call(context.Background())
	b.stream, err = b.js.CreateOrUpdateStream(ctx, b.streamConfig())
	cancel()
	if err != nil {
		return fmt.Errorf("jobs stream: %w", err)
	}
	ctx, cancel = b.call(context.Background())
	b.records, err = b.js.CreateOrUpdateKeyValue(ctx, b.recordsConfig())
	cancel()
	if err != nil {
		return fmt.Errorf("records bucket: %w", err)
	}
	ctx, cancel = b.call(context.Background())
	b.state, err = b.js.CreateOrUpdateKeyValue(ctx, b.stateConfig())
	cancel()
	if err != nil {
		return fmt.Errorf("state bucket: %w", err)
	}
	return nil
}

func (b *Backend) streamConfig() jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:       b.cfg.prefix + "_JOBS",
		Subjects:   []string{b.subject + ".>"},
		Retention:  jetstream.WorkQueuePolicy,
		Storage:    jetstream.FileStorage,
		Replicas:   b.cfg.replicas,
		Duplicates: b.cfg.dupWindow,
	}
}

func (b *Backend) recordsConfig() jetstream.KeyValueConfig {
	return jetstream.KeyValueConfig{Bucket: b.cfg.prefix + "_records", Storage: jetstream.FileStorage,
		Replicas: b.cfg.replicas, History: 1, TTL: b.cfg.recordTTL}
}

func (b *Backend) stateConfig() jetstream.KeyValueConfig {
	return jetstream.KeyValueConfig{Bucket: b.cfg.prefix + "_state", Storage: jetstream.FileStorage,
		Replicas: b.cfg.replicas, History: 1}
}

// agreeWith checks the stream of that name, if it exists, against this
// node's options.
func (b *Backend) agreeWith(stream string, ttl *time.Duration) error {
	ctx, cancel := b.call(context.Background())
	defer cancel()
	s, err := b.js.Stream(ctx, stream)
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		return nil
	case err != nil:
		return err
	}
	c := s.CachedInfo().Config
	return b.cfg.agree(stream, c.Replicas, c.MaxAge, ttl)
}

// agree checks what a stream has (replicas, and maxAge, its TTL) against
// what this node asks: it never lowers the replicas (the durability other
// nodes asked for; raising them is how a deployment grows into a
// cluster), and when ttl is given (the records bucket) it must be the
// stream's: how long records live is how long WithJobID stays idempotent
// and Lookup finds ended jobs, on every node alike.
func (c *config) agree(stream string, replicas int, maxAge time.Duration, ttl *time.Duration) error {
	if replicas > c.replicas {
		return fmt.Errorf("%s has %d replicas and this node asks Replicas(%d): a node never lowers them; ask %d, or lower them on the stream itself (nats stream edit %s --replicas %d)",
			stream, replicas, c.replicas, replicas, stream, c.replicas)
	}
	if ttl != nil && maxAge != *ttl {
		return fmt.Errorf("%s keeps records %s, this node asks RecordTTL(%v), %s: every node must ask the same; ask RecordTTL(%v), or change the stream itself (nats stream edit %s --max-age %v)",
			stream, keep(maxAge), *ttl, keep(*ttl), maxAge, stream, *ttl)
	}
	return nil
}

// keep spells how long a TTL keeps records: 0 keeps them forever.
func keep(ttl time.Duration) string {
	if ttl == 0 {
		return "forever"
	}
	return "for " + ttl.String()
}

package jetstream

import (
	"strings"
	"testing"
	"time"
)

// A node whose RecordTTL differs from the records bucket's is refused,
// saying both, and leaves the bucket as it was: every node must keep
// records alike, since how long they live is how long WithJobID stays
// idempotent and Lookup finds ended jobs.
func TestRecordTTLMismatchRefused(t *testing.T) {
	s := testServer(t)
	nc, err := s.Conn()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	p := newPrefix()
	b, err := NewBackend(nc, Prefix(p), RecordTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []Option{RecordTTL(0), RecordTTL(2 * time.Hour)} {
		_, err := NewBackend(nc, Prefix(p), o)
		if err == nil || !strings.Contains(err.Error(), "RecordTTL") || !strings.Contains(err.Error(), "1h0m0s") {
			t.Errorf("a node asking another RecordTTL: %v, want an error naming both", err)
		}
	}
	st, err := b.records.Status(timeout(t, 5*time.Second))
	if err != nil || st.TTL() != time.Hour {
		t.Errorf("records bucket TTL after the refused nodes: %v %v, want 1h", st, err)
	}
	if _, err := NewBackend(nc, Prefix(p), RecordTTL(time.Hour)); err != nil {
		t.Errorf("a node asking the same: %v", err)
	}
}

// A node never lowers the replicas of the stream and buckets it joins
// (the durability the other nodes asked for); raising them is how a
// deployment grows into a cluster.
func TestReplicasNeverLowered(t *testing.T) {
	cfg := defaults()
	cfg.replicas = 1
	if err := cfg.agree("routigen_JOBS", 3, 0, nil); err == nil || !strings.Contains(err.Error(), "3 replicas") || !strings.Contains(err.Error(), "Replicas(1)") {
		t.Errorf("joining an R3 stream with Replicas(1): %v, want an error naming both", err)
	}
	cfg.replicas = 3
	if err := cfg.agree("routigen_JOBS", 1, 0, nil); err != nil {
		t.Errorf("raising the replicas: %v", err)
	}
}

package jetstream

import (
	"fmt"
	"regexp"
	"time"
)

// Option configures a Backend.
type Option func(*config)

type config struct {
	replicas    int
	ackWait     time.Duration
	prefix      string
	callTimeout time.Duration
	dupWindow   time.Duration
	maxInFlight int
	finishers   int
	recordTTL   time.Duration
}

func defaults() config {
	return config{
		replicas:    1,
		ackWait:     5 * time.Second,
		prefix:      "routigen",
		callTimeout: 5 * time.Second,
		dupWindow:   2 * time.Minute,
		maxInFlight: 4096,
		finishers:   16,
	}
}

// Replicas sets how many servers keep each stream and bucket (default 1;
// 3 on a three-server cluster survives the loss of any one server).
func Replicas(n int) Option { return func(c *config) { c.replicas = n } }

// AckWait sets how long a job may go without word from the node running
// it before it is delivered again, and how long a worker stays with a node
// that stopped pulling before another node takes it over (default 5s). A
// node that is alive keeps its running jobs and workers whatever their
// duration.
func AckWait(d time.Duration) Option { return func(c *config) { c.ackWait = d } }

// Prefix names the backend's streams, buckets and subjects (default
// "routigen"), so that several applications share one NATS system.
func Prefix(s string) Option { return func(c *config) { c.prefix = s } }

// CallTimeout bounds every single request to the server (default 5s), on
// top of the caller's context.
func CallTimeout(d time.Duration) Option { return func(c *config) { c.callTimeout = d } }

// RecordTTL makes the records of ended jobs expire after d (default 0:
// kept forever). A job posted WithJobID is idempotent for as long as its
// record lives; Lookup finds an ended job while its record lives.
func RecordTTL(d time.Duration) Option { return func(c *config) { c.recordTTL = d } }

// MaxInFlight bounds how many jobs of one worker a node holds unacknowledged
// at once (default 1024).
func MaxInFlight(n int) Option { return func(c *config) { c.maxInFlight = n } }

var prefixRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func (c *config) validate() error {
	switch {
	case !prefixRE.MatchString(c.prefix):
		return fmt.Errorf("prefix %q: letters, digits, - and _ only", c.prefix)
	case c.replicas < 1 || c.replicas > 5:
		return fmt.Errorf("replicas %d: 1 to 5", c.replicas)
	case c.ackWait < 100*time.Millisecond:
		return fmt.Errorf("ack wait %v: at least 100ms", c.ackWait)
	case c.callTimeout <= 0:
		return fmt.Errorf("call timeout %v: must be positive", c.callTimeout)
	case c.recordTTL < 0:
		return fmt.Errorf("record TTL %v: must not be negative", c.recordTTL)
	case c.maxInFlight < 1:
		return fmt.Errorf("max in flight %d: at least 1", c.maxInFlight)
	}
	return nil
}

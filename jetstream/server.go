package jetstream

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// ServerConfig configures an embedded nats-server with JetStream.
type ServerConfig struct {
	// StoreDir is where JetStream keeps its file store (required). A server
	// started again on the same directory finds its streams, buckets and
	// unacknowledged jobs there.
	StoreDir string
	// Host is the interface a listener binds (default 127.0.0.1).
	Host string
	// Port opens a TCP client listener: 0 means none (in-process
	// connections only), -1 a random free port.
	Port int

	// ServerName names this server (required in a cluster).
	ServerName string
	// ClusterName, ClusterPort and Routes make the server one member of a
	// cluster: Routes lists the other members as nats-route://host:port.
	ClusterName string
	ClusterPort int
	Routes      []string

	// ReadyTimeout bounds how long StartServer waits for the server to
	// accept connections (default 10s; a cluster member waits for its
	// JetStream peers too).
	ReadyTimeout time.Duration
}

// Server is an embedded nats-server with JetStream enabled.
type Server struct {
	ns     *server.Server
	unlock func() // frees the store directory (lockStore)
	once   sync.Once
}

// StartServer starts an embedded nats-server with JetStream and a file
// store in cfg.StoreDir, and waits until it accepts connections. A store
// directory another running server uses, in this process or (on Unix)
// another, is refused: two servers would both write its files.
func StartServer(cfg ServerConfig) (*Server, error) {
	if cfg.StoreDir == "" {
		return nil, errors.New("jetstream: start server: ServerConfig.StoreDir is required")
	}
	opts := &server.Options{
		ServerName: cfg.ServerName,
		Host:       cfg.Host,
		Port:       cfg.Port,
		JetStream:  true,
		StoreDir:   cfg.StoreDir,
		NoSigs:     true,
		NoLog:      true,
	}
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	if cfg.Port == 0 {
		opts.DontListen = true
	}
	if cfg.ClusterName != "" || cfg.ClusterPort != 0 || len(cfg.Routes) > 0 {
		if cfg.ServerName == "" || cfg.ClusterName == "" {
			return nil, errors.New("jetstream: start server: a cluster member needs ServerName and ClusterName")
		}
		opts.Cluster = server.ClusterOpts{Name: cfg.ClusterName, Host: opts.Host, Port: cfg.ClusterPort}
		for _, r := range cfg.Routes {
			u, err := url.Parse(r)
			if err != nil {
				return nil, fmt.Errorf("jetstream: start server: route %q: %w", r, err)
			}
			opts.Routes = append(opts.Routes, u)
		}
	}
	unlock, err := lockStore(cfg.StoreDir)
	if err != nil {
		return nil, fmt.Errorf("jetstream: start server: %w", err)
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		unlock()
		return nil, fmt.Errorf("jetstream: start server: %w", err)
	}
	fatal := &fatalLog{}
	ns.SetLogger(fatal, false, false)
	ns.Start()
	wait := cfg.ReadyTimeout
	if wait <= 0 {
		wait = 10 * time.Second
	}
	for deadline := time.Now().Add(wait); !ns.ReadyForConnections(50 * time.Millisecond); {
		// A server that cannot start (a store directory it cannot use)
		// says why in its log and never gets ready: fail at once, saying
		// so, rather than after wait with no reason.
		err := fatal.err()
		if err == nil && time.Now().After(deadline) {
			err = fmt.Errorf("not ready within %v", wait)
		}
		if err != nil {
			ns.Shutdown()
			ns.WaitForShutdown()
			unlock()
			return nil, fmt.Errorf("jetstream: start server: %w", err)
		}
	}
	return &Server{ns: ns, unlock: unlock}, nil
}

// fatalLog is the embedded server's logger: it keeps the first fatal error
// (the server logs no other way: NoLog) and drops the rest.
type fatalLog struct {
	mu    sync.Mutex
	first error
}

func (l *fatalLog) Fatalf(format string, v ...any) {
	l.mu.Lock()
	if l.first == nil {
		l.first = fmt.Errorf(format, v...)
	}
	l.mu.Unlock()
}

func (l *fatalLog) err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.first
}

func (l *fatalLog) Noticef(string, ...any) {}
func (l *fatalLog) Warnf(string, ...any)   {}
func (l *fatalLog) Errorf(string, ...any)  {}
func (l *fatalLog) Debugf(string, ...any)  {}
func (l *fatalLog) Tracef(string, ...any)  {}

// Conn returns a new in-process connection to the server: no TCP, no
// listener needed. It reconnects to nothing: the server is in the process.
func (s *Server) Conn() (*nats.Conn, error) {
	nc, err := nats.Connect("", nats.InProcessServer(s.ns), nats.Name("routigen"))
	if err != nil {
		return nil, fmt.Errorf("jetstream: in-process connection: %w", err)
	}
	return nc, nil
}

// ClientURL returns the nats:// URL of the client listener; empty when the
// server has none (ServerConfig.Port 0).
func (s *Server) ClientURL() string {
	if s.ns.Addr() == nil {
		return ""
	}
	return s.ns.ClientURL()
}

// ClusterURL returns the nats-route:// URL of the cluster listener, for the
// Routes of other members; empty when the server is no cluster member.
func (s *Server) ClusterURL() string {
	a := s.ns.ClusterAddr()
	if a == nil {
		return ""
	}
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "nats-route://" + net.JoinHostPort(host, fmt.Sprint(a.Port))
}

// Name returns the server's name.
func (s *Server) Name() string { return s.ns.Name() }

// Shutdown stops the server and waits until it has stopped. Its store
// stays on disk for the next StartServer on the same directory.
func (s *Server) Shutdown() {
	s.ns.Shutdown()
	s.ns.WaitForShutdown()
	s.once.Do(s.unlock)
}

package s3test

import (
	"context"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"
)

// Pool starts at most one server per Options, on first use, and stops them
// all on Close. The zero Pool is ready to use.
type Pool struct {
	mu      sync.Mutex
	servers map[Options]*poolEntry
}

type poolEntry struct {
	once   sync.Once
	server *Server
	err    error
}

// Get returns the pool's server for opts, starting it on first use. When no
// server can be had, the test is skipped (or fails, see [Unavailable]).
func (p *Pool) Get(t testing.TB, opts Options) *Server {
	t.Helper()
	p.mu.Lock()
	if p.servers == nil {
		p.servers = make(map[Options]*poolEntry)
	}
	e := p.servers[opts]
	if e == nil {
		e = &poolEntry{}
		p.servers[opts] = e
	}
	p.mu.Unlock()
	e.once.Do(func() { e.server, e.err = provide(opts, false) })
	if e.err != nil {
		Unavailable(t, "no S3 server: %v", e.err)
	}
	return e.server
}

// Close stops every server the pool started.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.servers {
		if e.server != nil {
			e.server.Close()
		}
	}
	p.servers = nil
}

// Start starts a server of the test's own, which the test may stop and
// restart; it is closed when the test ends. An endpoint from the
// environment cannot be stopped, so it is not used here.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := provide(opts, true)
	if err != nil {
		Unavailable(t, "no S3 server: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// provide returns a server from the first provider that has one.
func provide(opts Options, controllable bool) (*Server, error) {
	if !controllable {
		if s := fromEnv(); s != nil {
			return s, nil
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Minute)
	defer cancel()
	s, err := startVersitygw(ctx, opts)
	if err == nil {
		return s, nil
	}
	if os.Getenv(EnvImage) != "" {
		if s, cerr := startContainer(ctx, opts); cerr == nil {
			return s, nil
		} else {
			return nil, cerr
		}
	}
	return nil, err
}

// fromEnv returns the server named by the environment, if any.
func fromEnv() *Server {
	endpoint := os.Getenv(EnvEndpoint)
	if endpoint == "" {
		return nil
	}
	region := os.Getenv(EnvRegion)
	if region == "" {
		region = "us-east-1"
	}
	return &Server{
		Endpoint:        endpoint,
		Region:          region,
		AccessKeyID:     os.Getenv(EnvAccessKeyID),
		SecretAccessKey: os.Getenv(EnvSecretAccessKey),
		HTTPClient:      &http.Client{},
		external:        true,
	}
}

package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/turbocache/turbocache/internal/freeport"
)

// server says how to start one of the servers under comparison.
type server struct {
	// name labels the server in the table.
	name string
	// command returns the command line and the environment (beyond the
	// inherited one) that serve on 127.0.0.1:port from dir with token.
	command func(port, dir, token string) (argv, env []string)
	// s3, when not nil, is the S3 server it stores in: each run gets a
	// new bucket there, named by b.bucketFor(dir).
	s3 *s3Backend
	// bare marks the bare S3 client: no process, the workloads talk to
	// s3 directly.
	bare bool
}

// process is a running server.
type process struct {
	url string
	cmd *exec.Cmd
	// exited is closed once the process has been waited for.
	exited chan struct{}
	err    error
}

// start runs s with a fresh storage directory below work and waits until it
// accepts connections. Its output goes to a log file in work.
func (s server) start(ctx context.Context, work, token string) (*process, error) {
	port, err := freeport.Get()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(work, s.name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(filepath.Join(work, s.name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	argv, env := s.command(port, dir, token)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s (%s): %w", s.name, argv[0], err)
	}
	p := &process{url: "http://127.0.0.1:" + port, cmd: cmd, exited: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.exited) }()
	if err := p.waitReady(ctx, "127.0.0.1:"+port, 30*time.Second); err != nil {
		p.stop()
		return nil, fmt.Errorf("%s: %w (see %s.log)", s.name, err, filepath.Join(work, s.name))
	}
	return p, nil
}

// waitReady polls addr until it accepts a connection.
func (p *process) waitReady(ctx context.Context, addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("exited before accepting connections: %v", p.err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not accepting connections on %s after %s", addr, limit)
		}
	}
}

func (p *process) pid() int { return p.cmd.Process.Pid }

// stop asks the server to stop with SIGTERM, and kills it if it has not
// stopped within five seconds.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

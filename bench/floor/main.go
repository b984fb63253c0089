// Command floor serves the benchmarks' reference server (package floor) on
// HOST:PORT (default 127.0.0.1:3000), keeping artifacts in STORAGE_DIR
// (default: a new temporary directory). FLOOR_FSYNC=1 syncs every upload to
// the disk before renaming it. It stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/turbocache/turbocache/bench/internal/floor"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	host, port, dir := os.Getenv("HOST"), os.Getenv("PORT"), os.Getenv("STORAGE_DIR")
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = "3000"
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "floor-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	h, err := floor.New(dir, &floor.Options{Sync: os.Getenv("FLOOR_FSYNC") == "1"})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: h}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

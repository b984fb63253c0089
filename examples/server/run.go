package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// shutdownGrace is how long uploads and downloads in progress may take to
// finish once the server is asked to stop.
const shutdownGrace = 30 * time.Second

// run listens on the configured address and serves until ctx ends.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.Host, cfg.Port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return serve(ctx, cfg, ln, stdout, stderr)
}

// serve serves the remote cache on ln until ctx ends, then shuts down
// gracefully.
func serve(ctx context.Context, cfg config, ln net.Listener, stdout, stderr io.Writer) error {
	defer ln.Close()
	store, err := fsstore.Open(cfg.StorageDir, nil)
	if err != nil {
		return fmt.Errorf("open storage: %w", err)
	}
	defer store.Close()
	auth, err := httpapi.NewTokenAuth(httpapi.Token{Name: "TURBO_TOKEN", Secret: cfg.Token})
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	h, err := httpapi.New(store, &httpapi.Options{Auth: auth, Logger: logger})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String()
	logger.Info("turbocache: serving", "url", url, "storage", store.Dir())
	if cfg.TokenGenerated {
		fmt.Fprintf(stdout, "No TURBO_TOKEN set; this run accepts the token %s\n", cfg.Token)
		fmt.Fprintf(stdout, "Use the cache with:\n\n  turbo run build --api=%s --token=%s --team=my-team\n\n", url, cfg.Token)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("turbocache: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

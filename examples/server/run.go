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

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/metrics"
	"github.com/turbocache/turbocache/selector"
	"github.com/turbocache/turbocache/storage"
)

// run listens on the configured address and serves until ctx ends.
func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.Host, cfg.Port))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return serve(ctx, cfg, ln, stdout, stderr)
}

// serve serves the remote cache on ln until ctx ends, then shuts down
// gracefully: requests in progress, uploads included, may finish.
func serve(ctx context.Context, cfg config, ln net.Listener, stdout, stderr io.Writer) error {
	defer ln.Close()
	logger := newLogger(stderr, cfg.LogFormat, cfg.LogLevel)
	// The line of every request goes through a buffer: one write per burst
	// of requests, not one per request. Everything else is written at once.
	requestLogs := newLogBuffer(stderr)
	defer requestLogs.Close()
	requestLogger := newLogger(requestLogs, cfg.LogFormat, cfg.LogLevel)
	if err := checkExposure(cfg, ln.Addr(), stdout); err != nil {
		return err
	}

	cfg.Storage.Logger = logger
	sel, err := selector.Open(ctx, cfg.Storage)
	if err != nil {
		return err
	}
	defer sel.Close()
	logUploadMemory(logger, sel.Store)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m, err := metrics.New(reg)
	if err != nil {
		return err
	}
	if sel.Tier != nil {
		if err := metrics.RegisterTier(reg, sel.Tier); err != nil {
			return err
		}
	}
	store := m.Store(sel.Store)
	dash := openDashboard(ctx, cfg, ln.Addr(), store, sel.Store, logger)
	defer dash.close(context.Background()) // on early returns; the shutdown closes it first
	store = dash.wrap(store)
	if u, ok := sel.Store.(storage.UsageReporter); ok {
		reg.MustRegister(metrics.UsageCollector(u))
	}

	auth, err := serverAuth(cfg, logger)
	if err != nil {
		return err
	}
	cache, err := httpapi.New(store, &httpapi.Options{
		Auth:            auth,
		MaxArtifactSize: cfg.MaxArtifactSize,
		Logger:          logger,
		OnEvents:        dash.onEvents(m.Events),
	})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/v8/", m.Handler(cache))
	if err := mountNx(mux, cfg, store, auth, logger, m); err != nil {
		return err
	}
	dash.mount(mux, auth)
	mux.HandleFunc("GET /healthz", healthz)
	mux.Handle("GET /readyz", readyz(store, logger))
	mux.Handle("GET /metrics", requireToken(cfg.MetricsToken, promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))

	srv := &http.Server{
		Handler:           withRequestLog(requestLogger, mux),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	serveOn, scheme, err := cfg.Transport.apply(srv, logger)
	if err != nil {
		return err
	}
	url := scheme + "://" + ln.Addr().String()
	announce(cfg, ln.Addr(), url, stdout, logger)
	logger.Info("serving", "url", url, "storage", string(sel.Backend), "why", sel.Reason,
		"max_artifact_size", cfg.MaxArtifactSize, "storage_max_size", sel.MaxSize)

	sweepCtx, stopSweep := context.WithCancel(ctx)
	defer stopSweep()
	if sel.NeedsSweep {
		sw := &sweeper{store: store, expiration: cfg.Storage.Expiration, now: time.Now, log: logger, metrics: m}
		go sw.run(sweepCtx, cfg.SweepInterval)
	}

	errc := make(chan error, 1)
	go func() { errc <- serveOn(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: waiting for requests in progress", "grace", cfg.ReadTimeout)
	stopSweep()
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ReadTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	dash.close(sctx)
	return shutdownTier(sctx, sel, logger)
}

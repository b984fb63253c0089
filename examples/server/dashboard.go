package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/usage"
)

// dashboardConfig configures the usage page at /dashboard.
type dashboardConfig struct {
	// Token turns the page on and opens it on every team
	// (DASHBOARD_TOKEN). Without it nothing is recorded and /dashboard is
	// 404.
	Token string
}

// loadDashboard reads DASHBOARD_TOKEN through env.
func loadDashboard(env func(string) string, allowShort bool) (dashboardConfig, error) {
	cfg := dashboardConfig{Token: env("DASHBOARD_TOKEN")}
	if n := len(cfg.Token); n > 0 && n < minTokenLen && !allowShort {
		return cfg, fmt.Errorf("DASHBOARD_TOKEN is %d characters long, shorter than %d: use a longer token, or set ALLOW_SHORT_TOKENS=true", n, minTokenLen)
	}
	return cfg, nil
}

// dashboard records usage and serves its page; a nil *dashboard (no
// DASHBOARD_TOKEN) records nothing and serves nothing.
type dashboard struct {
	rec  *usage.Recorder
	cfg  dashboardConfig
	log  *slog.Logger
	stop context.CancelFunc
	done chan struct{}
	once sync.Once
}

// openDashboard starts recording usage into store, when the dashboard is
// on. stored is the store as opened, for what it knows of its size. The
// replica's name is the host name and the port: distinct for every server
// sharing a store, and the same again after a restart.
func openDashboard(ctx context.Context, cfg config, addr net.Addr, store, stored storage.Store, logger *slog.Logger) *dashboard {
	if cfg.Dashboard.Token == "" {
		return nil
	}
	host, _ := os.Hostname()
	if _, port, err := net.SplitHostPort(addr.String()); err == nil {
		host += "-" + port
	}
	opts := &usage.Options{Replica: host, Logger: logger}
	if u, ok := stored.(storage.UsageReporter); ok {
		opts.Stored = u
	}
	rec := usage.New(store, opts)
	logger.Info("usage page at /dashboard", "replica", rec.Replica())
	runCtx, stop := context.WithCancel(ctx)
	d := &dashboard{rec: rec, cfg: cfg.Dashboard, log: logger, stop: stop, done: make(chan struct{})}
	go func() { defer close(d.done); rec.Run(runCtx) }()
	return d
}

// wrap returns the store the protocols use: counted, when the dashboard is on.
func (d *dashboard) wrap(s storage.Store) storage.Store {
	if d == nil {
		return s
	}
	return d.rec.Store(s)
}

// onEvents returns the OnEvents hook: next, and the recorder's when on.
func (d *dashboard) onEvents(next func(context.Context, string, []httpapi.Event)) func(context.Context, string, []httpapi.Event) {
	if d == nil {
		return next
	}
	return func(ctx context.Context, team string, events []httpapi.Event) {
		next(ctx, team, events)
		d.rec.Events(ctx, team, events)
	}
}

// mount serves the page, its JSON and its login form at /dashboard. The
// turbo tokens auth accepts see the teams they may read.
func (d *dashboard) mount(mux *http.ServeMux, auth httpapi.Authenticator) {
	var h http.Handler = http.NotFoundHandler()
	if d != nil {
		h = usage.NewDashboard(d.rec, &usage.DashboardOptions{Token: d.cfg.Token, Auth: auth, Logger: d.log})
	}
	mux.Handle("/dashboard", h)
	mux.Handle("/dashboard/", h)
}

// close stops the periodic flush and writes what is left: call it after the
// last request, before the store closes. Calls after the first do nothing.
func (d *dashboard) close(ctx context.Context) {
	if d == nil {
		return
	}
	d.once.Do(func() {
		d.stop()
		<-d.done
		if err := d.rec.Flush(ctx); err != nil {
			d.log.Warn("usage: the last flush failed: the counts since the one before are lost", "err", err)
		}
	})
}

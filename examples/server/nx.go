package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/metrics"
	"github.com/turbocache/turbocache/nxapi"
	"github.com/turbocache/turbocache/storage"
)

// nxConfig configures Nx's protocol, served beside turbo's on the same port.
type nxConfig struct {
	// Enabled mounts /v1/cache/ (SERVE_NX, default true).
	Enabled bool
	// Team is the team whose records nx requests use, unless the token is
	// limited to exactly one team in TURBO_TOKEN_FILE (NX_TEAM, default
	// nxapi.DefaultTeam).
	Team string
	// StoreFailure is what a request answers while the store fails
	// (NX_ON_STORE_FAILURE: miss, the default, or error).
	StoreFailure nxapi.FailureMode
}

// loadNxConfig reads the NX_* variables and SERVE_NX through env.
func loadNxConfig(env func(string) string) (nxConfig, []error) {
	cfg := nxConfig{Enabled: true, Team: or(env("NX_TEAM"), nxapi.DefaultTeam)}
	var errs []error
	switch v := env("SERVE_NX"); v {
	case "", "true", "1":
	case "false", "0":
		cfg.Enabled = false
	default:
		errs = append(errs, fmt.Errorf("SERVE_NX=%q is neither true nor false", v))
	}
	if err := httpapi.ValidTeam(cfg.Team); err != nil {
		errs = append(errs, fmt.Errorf("NX_TEAM: %w", err))
	}
	switch v := env("NX_ON_STORE_FAILURE"); v {
	case "", "miss":
	case "error":
		cfg.StoreFailure = nxapi.ErrorOnStoreFailure
	default:
		errs = append(errs, fmt.Errorf("NX_ON_STORE_FAILURE=%q is neither miss nor error", v))
	}
	return cfg, errs
}

// mountNx serves Nx's protocol at /v1/ on mux, when enabled, with the same
// store, tokens, size limit and metrics as turbo's. A download may take as
// long as the server's WRITE_TIMEOUT.
func mountNx(mux *http.ServeMux, cfg config, store storage.Store, auth httpapi.Authenticator, logger *slog.Logger, m *metrics.Metrics) error {
	if !cfg.Nx.Enabled {
		return nil
	}
	opts := &nxapi.Options{
		Auth:            auth,
		Team:            cfg.Nx.Team,
		MaxArtifactSize: cfg.MaxArtifactSize,
		DownloadTimeout: cfg.WriteTimeout,
		StoreFailure:    cfg.Nx.StoreFailure,
		Logger:          logger,
		OnLookup:        m.NxLookup,
	}
	// A static token limited to one team uses that team's records. (With
	// OIDC in front, JWTs and static tokens alike use NX_TEAM.)
	if tokens, ok := auth.(*httpapi.TokenAuth); ok {
		opts.TeamOf = tokens.TeamOf
	}
	h, err := nxapi.New(store, opts)
	if err != nil {
		return err
	}
	mux.Handle("/v1/", m.Handler(h))
	return nil
}

// nxBanner prints how to point nx at the server.
func nxBanner(w io.Writer, cfg config, url, token string) {
	if !cfg.Nx.Enabled {
		return
	}
	fmt.Fprintf(w, "Use it from nx with:\n\n  NX_SELF_HOSTED_REMOTE_CACHE_SERVER=%s NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=%s npx nx run-many -t build\n\n", url, token)
}

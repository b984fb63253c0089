package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/turbocache/turbocache/selector"
)

// config is everything the server reads from its environment. The README's
// table of variables documents each one.
type config struct {
	Host string // HOST, default 127.0.0.1: this machine only
	Port string // PORT, default 3000

	// Storage chooses the store (S3_*, CLOUDFLARE_*, KV_*, R2_*,
	// BUCKET_OBJECT_EXPIRATION_HOURS, STORAGE_DIR; see selector.FromEnv).
	// Storage.Dir defaults to <user cache dir>/turbocache/artifacts.
	Storage *selector.Config

	// Tokens are the read-write tokens (TURBO_TOKEN, comma-separated),
	// ReadOnlyTokens the read-only ones (TURBO_READ_ONLY_TOKENS), and
	// TokenFile a file of tokens with their access and teams
	// (TURBO_TOKEN_FILE). With none of the three set, one read-write token
	// is generated for this run.
	Tokens         []string
	ReadOnlyTokens []string
	TokenFile      string
	TokenGenerated bool

	// OIDC accepts JWTs from an OIDC issuer beside the tokens
	// (OIDC_ISSUER, OIDC_AUDIENCE, OIDC_RULES; see oidc.go).
	OIDC oidcConfig

	// MaxArtifactSize bounds uploads (MAX_ARTIFACT_SIZE, default 2GiB;
	// 0 means no limit).
	MaxArtifactSize int64

	LogFormat string     // LOG_FORMAT: text (default) or json
	LogLevel  slog.Level // LOG_LEVEL: debug, info (default), warn, error

	// ReadTimeout and WriteTimeout bound the reading of one request and the
	// writing of one answer (READ_TIMEOUT, WRITE_TIMEOUT, default 10m: far
	// above turbo's 60 s upload timeout, and a limit on slow clients).
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	// SweepInterval is how often expired artifacts are deleted from stores
	// without a time to live of their own (SWEEP_INTERVAL, default 1h).
	SweepInterval time.Duration

	// Hardening: AllowShortTokens accepts tokens shorter than minTokenLen
	// (ALLOW_SHORT_TOKENS=true); MetricsToken, when set, is the bearer
	// token GET /metrics requires (METRICS_TOKEN).
	AllowShortTokens bool
	MetricsToken     string
	// Nx configures Nx's protocol (SERVE_NX, NX_TEAM, NX_ON_STORE_FAILURE;
	// see nx.go).
	Nx nxConfig

	// Transport is HTTPS and HTTP/2: TLS_CERT_FILE, TLS_KEY_FILE and
	// HTTP2_CLEARTEXT (see tls.go).
	Transport transportConfig

	// Dashboard is the usage page at /dashboard (DASHBOARD_TOKEN; see
	// dashboard.go).
	Dashboard dashboardConfig
}

// Defaults of the variables.
const (
	defaultMaxArtifactSize = 2 << 30
	defaultTimeout         = 10 * time.Minute
	defaultSweepInterval   = time.Hour
)

// loadConfig reads the configuration through lookup (os.LookupEnv in main).
// Errors name the variable at fault and never hold a secret.
func loadConfig(lookup func(string) (string, bool)) (config, error) {
	env := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	cfg := config{
		Host:           or(env("HOST"), "127.0.0.1"),
		Port:           or(env("PORT"), "3000"),
		Tokens:         splitList(env("TURBO_TOKEN")),
		ReadOnlyTokens: splitList(env("TURBO_READ_ONLY_TOKENS")),
		TokenFile:      env("TURBO_TOKEN_FILE"),
		LogFormat:      or(env("LOG_FORMAT"), "text"),
	}
	var errs []error
	if _, err := strconv.ParseUint(cfg.Port, 10, 16); err != nil {
		errs = append(errs, fmt.Errorf("PORT=%q is not a TCP port number", cfg.Port))
	}
	storage, err := selector.FromEnv(lookup)
	if err != nil {
		errs = append(errs, err)
	} else if storage.Dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			errs = append(errs, fmt.Errorf("no STORAGE_DIR set and no user cache directory: %w", err))
		}
		storage.Dir = filepath.Join(cache, "turbocache", "artifacts")
	}
	cfg.Storage = storage

	if cfg.MaxArtifactSize, err = selector.ParseSize(or(env("MAX_ARTIFACT_SIZE"), strconv.Itoa(defaultMaxArtifactSize))); err != nil {
		errs = append(errs, fmt.Errorf("MAX_ARTIFACT_SIZE: %w", err))
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("LOG_FORMAT=%q is neither text nor json", cfg.LogFormat))
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(or(env("LOG_LEVEL"), "info"))); err != nil {
		errs = append(errs, fmt.Errorf("LOG_LEVEL=%q is not debug, info, warn or error", env("LOG_LEVEL")))
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
		def  time.Duration
	}{
		{"READ_TIMEOUT", &cfg.ReadTimeout, defaultTimeout},
		{"WRITE_TIMEOUT", &cfg.WriteTimeout, defaultTimeout},
		{"SWEEP_INTERVAL", &cfg.SweepInterval, defaultSweepInterval},
	} {
		*d.dst = d.def
		if v := env(d.name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t <= 0 {
				errs = append(errs, fmt.Errorf("%s=%q is not a positive duration such as 90s or 10m", d.name, v))
			}
			*d.dst = t
		}
	}

	if v := env("ALLOW_SHORT_TOKENS"); v != "" {
		if cfg.AllowShortTokens, err = strconv.ParseBool(v); err != nil {
			errs = append(errs, fmt.Errorf("ALLOW_SHORT_TOKENS=%q is neither true nor false", v))
		}
	}
	cfg.MetricsToken = env("METRICS_TOKEN")
	if n := len(cfg.MetricsToken); n > 0 && n < minTokenLen && !cfg.AllowShortTokens {
		errs = append(errs, fmt.Errorf("METRICS_TOKEN is %d characters long, shorter than %d: use a longer token, or set ALLOW_SHORT_TOKENS=true", n, minTokenLen))
	}
	nx, nxErrs := loadNxConfig(env)
	cfg.Nx, errs = nx, append(errs, nxErrs...)
	if cfg.Transport, err = loadTransport(env); err != nil {
		errs = append(errs, err)
	}
	if cfg.Dashboard, err = loadDashboard(env, cfg.AllowShortTokens); err != nil {
		errs = append(errs, err)
	}

	if len(cfg.Tokens) == 0 && len(cfg.ReadOnlyTokens) == 0 && cfg.TokenFile == "" {
		cfg.Tokens, cfg.TokenGenerated = []string{rand.Text()}, true
	}
	errs = append(errs, loadOIDC(&cfg, env)) // last: an issuer needs no generated token
	return cfg, errors.Join(errs...)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(v string) []string {
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// Package selector opens one [storage.Store] from configuration, choosing
// among the configured backends with the priority S3 > KV > R2, and falling
// back to a local directory when none is configured.
//
// A Config can be filled in by code, or read from environment variables with
// [FromEnv], which takes a lookup function so that the library itself never
// reads the process environment:
//
//	cfg, err := selector.FromEnv(os.LookupEnv)
//	...
//	sel, err := selector.Open(ctx, cfg)
//	log.Printf("storage: %s (%s)", sel.Backend, sel.Reason)
package selector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/r2store"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/tiered"
)

// Backend names a kind of store.
type Backend string

// The backends, in order of priority.
const (
	S3  Backend = "s3"  // Amazon S3 or an S3-compatible server
	KV  Backend = "kv"  // Cloudflare Workers KV
	R2  Backend = "r2"  // Cloudflare R2
	Dir Backend = "dir" // a local directory
)

// Config says which backends are configured. A nil section is not
// configured. When no section is, Dir is used.
type Config struct {
	S3 *s3store.Config
	KV *kvstore.Config
	R2 *r2store.Config

	// Dir is the directory of the local store, used when no other backend
	// is configured.
	Dir string

	// MaxSize bounds the bytes the local store's artifacts take
	// (STORAGE_MAX_SIZE): the least recently used are evicted to make room.
	// Zero means DefaultMaxSize of Dir; negative means no bound.
	MaxSize int64

	// Logger receives what the local store logs (entries of Dir that are
	// not artifacts). Nil means no logging.
	Logger *slog.Logger

	// LocalCache, when not nil, puts a local disk tier in front of the S3,
	// KV or R2 store (LOCAL_CACHE_* variables).
	LocalCache *LocalCache

	// Expiration is the age after which artifacts expire; zero means never.
	// KV applies it as the time to live of every write (unless KV.TTL is
	// set); the other stores need a periodic [storage.Sweep], which
	// Selected.NeedsSweep reports.
	Expiration time.Duration
}

// Selected is the store Open chose, and why.
type Selected struct {
	Store   storage.Store
	Backend Backend
	// Reason says, for people, why Backend was chosen and which configured
	// backends were passed over. It holds no secret.
	Reason string
	// NeedsSweep reports that artifacts expire only if storage.Sweep runs
	// periodically (every backend but KV, when Expiration is set).
	NeedsSweep bool
	// MaxSize is the bound of the local store, in bytes; zero for none or
	// for another backend.
	MaxSize int64

	// Tier is the local tier in front of Store's backend, or nil; Store is
	// then Tier. Close or Shutdown stops it.
	Tier *tiered.Store

	closers []func() error // what Close closes, in order
}

// Open opens the store of the highest-priority configured backend.
func Open(ctx context.Context, cfg *Config) (*Selected, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	backend, reason := choose(cfg)
	sel := &Selected{Backend: backend, Reason: reason, NeedsSweep: cfg.Expiration > 0 && backend != KV}
	var err error
	switch backend {
	case S3:
		sel.Store, err = s3store.Open(ctx, *cfg.S3)
	case KV:
		kv := *cfg.KV
		if kv.TTL == 0 {
			kv.TTL = cfg.Expiration
		}
		sel.Store, err = kvstore.Open(kv)
	case R2:
		sel.Store, err = r2store.Open(ctx, *cfg.R2)
	case Dir:
		if cfg.Dir == "" {
			return nil, errors.New("selector: no backend is configured and Config.Dir is empty")
		}
		sel.MaxSize = cfg.MaxSize
		if sel.MaxSize == 0 {
			sel.MaxSize = DefaultMaxSize(cfg.Dir)
		}
		sel.MaxSize = max(sel.MaxSize, 0)
		sel.Store, err = fsstore.Open(cfg.Dir, &fsstore.Options{MaxSize: sel.MaxSize, Logger: cfg.Logger})
	}
	if err != nil {
		return nil, fmt.Errorf("selector: opening the %s store: %w", backend, err)
	}
	if c, ok := sel.Store.(interface{ Close() error }); ok {
		sel.closers = append(sel.closers, c.Close)
	}
	if cfg.LocalCache != nil && backend != Dir {
		if err := openTier(cfg.LocalCache, sel, cfg.Logger); err != nil {
			sel.Close()
			return nil, err
		}
	}
	return sel, nil
}

// choose applies the priority S3 > KV > R2 > Dir.
func choose(cfg *Config) (Backend, string) {
	var configured []Backend
	if cfg.S3 != nil {
		configured = append(configured, S3)
	}
	if cfg.KV != nil {
		configured = append(configured, KV)
	}
	if cfg.R2 != nil {
		configured = append(configured, R2)
	}
	switch len(configured) {
	case 0:
		return Dir, "no cloud backend is configured: local directory " + cfg.Dir
	case 1:
		return configured[0], fmt.Sprintf("%s is the only backend configured", configured[0])
	}
	others := make([]string, len(configured)-1)
	for i, b := range configured[1:] {
		others[i] = string(b)
	}
	return configured[0], fmt.Sprintf("%s has priority over %s, also configured (priority s3 > kv > r2)",
		configured[0], strings.Join(others, " and "))
}

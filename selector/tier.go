package selector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/tiered"
)

// LocalCache configures the local disk tier put in front of a cloud
// backend (see the tiered package). It is not used with the Dir backend,
// which is local already.
type LocalCache struct {
	// Dir holds the tier: the cached artifacts in Dir/artifacts, bounded by
	// MaxSize, and the uploads waiting for the remote in Dir/uploads.
	Dir string
	// MaxSize bounds the cached artifacts, in bytes, as Config.MaxSize
	// bounds a local directory: zero means DefaultMaxSize of
	// Dir/artifacts, negative means no bound. Uploads waiting for the
	// remote are not counted (see tiered.Options.MaxQueueBytes).
	MaxSize int64
	// Write says when an upload is acknowledged: tiered.WriteBack (the
	// default) or tiered.WriteThrough.
	Write tiered.WriteMode
}

// localCacheFromEnv reads LOCAL_CACHE_DIR, LOCAL_CACHE_MAX_SIZE and
// LOCAL_CACHE_WRITE. Without LOCAL_CACHE_DIR there is no tier, and the other
// two are an error.
func localCacheFromEnv(env func(string) string) (*LocalCache, error) {
	dir, size, write := env("LOCAL_CACHE_DIR"), env("LOCAL_CACHE_MAX_SIZE"), env("LOCAL_CACHE_WRITE")
	if dir == "" {
		if size != "" || write != "" {
			return nil, errors.New("LOCAL_CACHE_MAX_SIZE and LOCAL_CACHE_WRITE need LOCAL_CACHE_DIR, the directory of the local tier")
		}
		return nil, nil
	}
	lc := &LocalCache{Dir: dir}
	var errs []error
	if size != "" {
		n, err := ParseSize(size)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("LOCAL_CACHE_MAX_SIZE: %w", err))
		case n == 0:
			lc.MaxSize = -1 // explicitly unbounded
		default:
			lc.MaxSize = n
		}
	}
	switch write {
	case "", "back":
		lc.Write = tiered.WriteBack
	case "through":
		lc.Write = tiered.WriteThrough
	default:
		errs = append(errs, fmt.Errorf("LOCAL_CACHE_WRITE=%q is neither back nor through", write))
	}
	return lc, errors.Join(errs...)
}

// openTier puts the local tier of cfg in front of sel's store.
func openTier(cfg *LocalCache, sel *Selected, logger *slog.Logger) error {
	dir := filepath.Join(cfg.Dir, "artifacts")
	maxSize := cfg.MaxSize
	if maxSize == 0 {
		maxSize = DefaultMaxSize(dir)
	}
	local, err := fsstore.Open(dir, &fsstore.Options{MaxSize: max(maxSize, 0), Logger: logger})
	if err != nil {
		return fmt.Errorf("selector: opening the local tier: %w", err)
	}
	tier, err := tiered.New(local, sel.Store, &tiered.Options{
		QueueDir: filepath.Join(cfg.Dir, "uploads"),
		Write:    cfg.Write,
		Logger:   logger,
	})
	if err != nil {
		local.Close()
		return fmt.Errorf("selector: opening the local tier: %w", err)
	}
	sel.closers = append(sel.closers, tier.Close, local.Close)
	sel.Tier, sel.Store = tier, tier
	sel.Reason += fmt.Sprintf("; local tier in %s (write-%s, bound %d bytes)", cfg.Dir, cfg.Write, max(maxSize, 0))
	return nil
}

// Close stops the local tier, if any (uploads not finished stay queued on
// disk for the next start; call Tier.Shutdown first to wait for them), and
// closes the stores Open opened that need closing.
func (s *Selected) Close() error {
	var errs []error
	for _, c := range s.closers {
		errs = append(errs, c())
	}
	s.closers = nil
	return errors.Join(errs...)
}

// Shutdown waits, until ctx ends, for the local tier's queued uploads, and
// closes what Open opened.
func (s *Selected) Shutdown(ctx context.Context) error {
	var err error
	if s.Tier != nil {
		err = s.Tier.Shutdown(ctx)
	}
	return errors.Join(err, s.Close())
}

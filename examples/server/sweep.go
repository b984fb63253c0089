package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/turbocache/turbocache/metrics"
	"github.com/turbocache/turbocache/storage"
)

// sweeper deletes artifacts older than the expiration from a store that has
// no time to live of its own.
type sweeper struct {
	store      storage.Store
	expiration time.Duration
	now        func() time.Time
	log        *slog.Logger
	metrics    *metrics.Metrics
}

// sweepOnce deletes the artifacts created more than the expiration ago.
func (s *sweeper) sweepOnce(ctx context.Context) {
	start := s.now()
	cutoff := start.Add(-s.expiration)
	removed, err := storage.Sweep(ctx, s.store, cutoff)
	end := s.now()
	s.metrics.Sweep(removed, err, end)
	attrs := []slog.Attr{
		slog.Int("removed", removed), slog.Time("created_before", cutoff),
		slog.Duration("took", end.Sub(start)),
	}
	if err != nil {
		s.log.LogAttrs(ctx, slog.LevelError, "expiry sweep failed", append(attrs, slog.Any("err", err))...)
		return
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "expiry sweep", attrs...)
}

// run sweeps at once, then every interval until ctx ends.
func (s *sweeper) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.sweepOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

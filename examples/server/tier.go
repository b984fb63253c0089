package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/turbocache/turbocache/selector"
)

// tierDrainLimit bounds the wait for queued uploads at shutdown: they are
// safe on disk, so a cloud that is down must not hold the server for the
// whole grace period.
const tierDrainLimit = 30 * time.Second

// shutdownTier waits, within the shutdown's grace period and at most
// tierDrainLimit, for the uploads the local tier still has queued. Those
// left stay on disk, and the next start sends them.
func shutdownTier(ctx context.Context, sel *selector.Selected, logger *slog.Logger) error {
	if sel.Tier == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, tierDrainLimit)
	defer cancel()
	if st := sel.Tier.Stats(); st.Queued > 0 {
		logger.Info("shutting down: waiting for queued uploads", "count", st.Queued, "bytes", st.QueuedBytes)
	}
	if err := sel.Tier.Shutdown(ctx); err != nil {
		logger.Warn("shutting down: uploads left queued for the next start", "err", err)
	}
	return nil
}

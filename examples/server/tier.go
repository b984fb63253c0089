package main

import (
	"context"
	"log/slog"

	"github.com/turbocache/turbocache/selector"
)

// shutdownTier waits, within the shutdown's grace period, for the uploads
// the local tier still has queued. Those left stay on disk, and the next
// start sends them.
func shutdownTier(ctx context.Context, sel *selector.Selected, logger *slog.Logger) error {
	if sel.Tier == nil {
		return nil
	}
	if st := sel.Tier.Stats(); st.Queued > 0 {
		logger.Info("shutting down: waiting for queued uploads", "count", st.Queued, "bytes", st.QueuedBytes)
	}
	if err := sel.Tier.Shutdown(ctx); err != nil {
		logger.Warn("shutting down: uploads left queued for the next start", "err", err)
	}
	return nil
}

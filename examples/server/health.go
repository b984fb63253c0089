package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/turbocache/turbocache/storage"
)

// readyProbeKey is the key /readyz looks up: a valid key that no artifact
// has, since artifact hashes are hexadecimal.
const readyProbeKey = "readyz/probe"

// healthz answers 200 while the process serves requests.
func healthz(w http.ResponseWriter, _ *http.Request) {
	io.WriteString(w, "ok\n")
}

// readyz answers 200 when the store answers a lookup (a miss counts), and
// 503 when it fails or takes longer than five seconds.
func readyz(store storage.Store, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if _, err := store.Stat(ctx, readyProbeKey); err != nil && !errors.Is(err, storage.ErrNotFound) {
			log.LogAttrs(ctx, slog.LevelWarn, "not ready: the store failed", slog.Any("err", err))
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	}
}

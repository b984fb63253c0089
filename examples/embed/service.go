package main

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage"
)

// newService is the existing service: a few routes of its own, and the
// remote cache below /turbo/. turbo's --api points at .../turbo.
func newService(store storage.Store, keys *keyring, logger *slog.Logger) (http.Handler, error) {
	cache, err := httpapi.New(store, &httpapi.Options{
		Auth:            keys,
		Logger:          logger,
		MaxArtifactSize: 1 << 30,
	})
	if err != nil {
		return nil, fmt.Errorf("remote cache: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "the service's own home page")
	})
	// The handler expects /v8/... at its root: strip the mount point.
	mux.Handle("/turbo/", http.StripPrefix("/turbo", cache))
	return mux, nil
}

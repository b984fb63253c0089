// Command embed shows the remote cache mounted inside an existing service:
// httpapi serves below /turbo/ on the service's own http.ServeMux, beside its
// other routes, and the service's own API keys decide who may use which
// team's cache.
//
//	TURBO_TOKEN=some-secret go run ./examples/embed
//	turbo run build --api=http://127.0.0.1:3001/turbo --token=some-secret --team=web
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/memstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	token := os.Getenv("TURBO_TOKEN")
	if token == "" {
		return errors.New("set TURBO_TOKEN to the API key clients will use")
	}
	keys := newKeyring()
	keys.add(token, "alice", map[string]httpapi.Access{"web": httpapi.ReadWrite, "docs": httpapi.ReadOnly})

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	svc, err := newService(memstore.New(nil), keys, logger)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: "127.0.0.1:3001", Handler: svc, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	logger.Info("embed: serving", "url", "http://"+srv.Addr, "cache", "http://"+srv.Addr+"/turbo")
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

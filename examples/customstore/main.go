// Command customstore serves the Turborepo remote cache from a custom Store,
// tiered.Store, which keeps local copies of the artifacts it reads from a
// slower store.
//
// Here the slower store is a second directory, so that the program runs
// anywhere; in production it would be an s3store or kvstore, opened the same
// way as in examples/server.
//
//	TURBO_TOKEN=some-secret go run ./examples/customstore
//	turbo run build --api=http://127.0.0.1:3002 --token=some-secret --team=web
//
// REMOTE_DIR and LOCAL_DIR choose the two directories (by default
// turbocache-remote and turbocache-local in the system's temporary directory).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/turbocache/turbocache/examples/customstore/tiered"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/fsstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "customstore:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	token := os.Getenv("TURBO_TOKEN")
	if token == "" {
		return errors.New("set TURBO_TOKEN to the token clients will use")
	}
	remoteDir := envOr("REMOTE_DIR", filepath.Join(os.TempDir(), "turbocache-remote"))
	localDir := envOr("LOCAL_DIR", filepath.Join(os.TempDir(), "turbocache-local"))
	h, err := newHandler(remoteDir, localDir, token)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: "127.0.0.1:3002", Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	slog.Info("customstore: serving", "url", "http://"+srv.Addr, "remote", remoteDir, "local", localDir)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newHandler serves, to holders of token, a tiered store whose artifacts live
// in remoteDir and whose local copies live in localDir.
func newHandler(remoteDir, localDir, token string) (http.Handler, error) {
	remote, err := fsstore.Open(remoteDir, nil)
	if err != nil {
		return nil, err
	}
	// The tier compares the local copy's creation time with the remote's:
	// time.Now gives finer times than the file system's clock.
	local, err := fsstore.Open(localDir, &fsstore.Options{Now: time.Now})
	if err != nil {
		return nil, err
	}
	auth, err := httpapi.NewTokenAuth(httpapi.Token{Secret: token})
	if err != nil {
		return nil, err
	}
	return httpapi.New(tiered.New(remote, local), &httpapi.Options{Auth: auth})
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// Command server is a standalone Turborepo remote cache: the httpapi
// handler over the store the selector picks from environment variables (S3,
// Cloudflare KV or R2, else a local directory, optionally with a local tier
// in front of a cloud store). It serves Nx's self-hosted remote cache (nxapi, at /v1/) from
// the same store on the same port; see nx.go.
//
//	go run ./examples/server
//
// With no configuration it listens on 127.0.0.1:3000, keeps artifacts under
// the user's cache directory and, when standard output is a terminal,
// prints a generated token together with a turbo command line that uses
// it. See config.go for the variables.
//
// `server healthcheck` (`turbocache healthcheck` in the image) asks the
// server configured by the same variables for /healthz and exits 0 when it
// answers, 1 when it does not.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && os.Args[1] == "healthcheck" {
		os.Exit(healthcheck(ctx, os.LookupEnv, os.Stderr))
	}
	cfg, err := loadConfig(os.LookupEnv)
	if err == nil {
		err = run(ctx, cfg, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "turbocache:", err)
		os.Exit(1)
	}
}

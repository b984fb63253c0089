// Command server is a standalone Turborepo remote cache: the httpapi
// handler over a local-directory store, configured by environment
// variables. It serves Nx's self-hosted remote cache (nxapi, at /v1/) from
// the same store on the same port; see nx.go.
//
//	go run ./examples/server
//
// With no configuration it listens on 127.0.0.1:3000, keeps artifacts under
// the user's cache directory and, when standard output is a terminal,
// prints a generated token together with a turbo command line that uses
// it. See config.go for the variables.
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
	cfg, err := loadConfig(os.LookupEnv)
	if err == nil {
		err = run(ctx, cfg, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "turbocache:", err)
		os.Exit(1)
	}
}

// Command load drives a running Turborepo remote-cache server over loopback
// with the benchmark workloads and prints, per phase, the throughput,
// requests per second, p50 and p99 latency, errors and, given the server's
// process id, its peak RSS.
//
//	go run ./bench/load -url http://127.0.0.1:3000 -token "$TURBO_TOKEN" -pid "$SERVER_PID"
//
// The workloads (all by default, or those named by -workloads):
//
//	large      a 100 MiB PUT then GET of the same artifact, -rounds times
//	parallel   four concurrent 100 MiB PUTs, then four concurrent GETs
//	small-get  2,000 GETs of one 10 KiB artifact over 16 connections
//	small-put  500 PUTs of distinct 10 KiB artifacts over 16 connections
//
// Every GET's body is checked against the SHA-256 of the upload. The exit
// status is 1 when any request failed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/turbocache/turbocache/bench/internal/load"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	var (
		target  load.Target
		sizes   = load.DefaultSizes
		names   = fs.String("workloads", "large,parallel,small-get,small-put", "comma-separated workloads to run")
		pid     = fs.Int("pid", 0, "process id of the server, to report its peak RSS (Linux)")
		timeout = fs.Duration("timeout", 5*time.Minute, "time limit of the whole run")
	)
	fs.StringVar(&target.URL, "url", "http://127.0.0.1:3000", "the server's base URL")
	fs.StringVar(&target.Token, "token", os.Getenv("TURBO_TOKEN"), "bearer token (default $TURBO_TOKEN)")
	fs.StringVar(&target.Team, "team", "bench", "team slug")
	fs.IntVar(&sizes.Large, "large", sizes.Large, "size of the large artifacts in bytes")
	fs.IntVar(&sizes.LargeRounds, "rounds", sizes.LargeRounds, "PUT-then-GET rounds of the large workload")
	fs.IntVar(&sizes.Parallel, "parallel", sizes.Parallel, "concurrent large transfers")
	fs.IntVar(&sizes.Small, "small", sizes.Small, "size of the small artifacts in bytes")
	fs.IntVar(&sizes.SmallGets, "small-gets", sizes.SmallGets, "GETs of the small-get workload")
	fs.IntVar(&sizes.SmallPuts, "small-puts", sizes.SmallPuts, "PUTs of the small-put workload")
	fs.IntVar(&sizes.Conns, "conns", sizes.Conns, "connections of the small workloads")
	if err := fs.Parse(args); err != nil {
		return err
	}
	want := strings.Split(*names, ",")
	var selected []load.Workload
	for _, w := range load.Workloads(sizes) {
		if slices.Contains(want, w.Name) {
			selected = append(selected, w)
		}
	}
	if len(selected) != len(want) {
		return fmt.Errorf("-workloads %q: unknown workload (want some of large, parallel, small-get, small-put)", *names)
	}
	var probe func() int64
	if *pid > 0 {
		probe = func() int64 {
			rss, err := load.PeakRSS(*pid)
			if err != nil {
				fmt.Fprintln(os.Stderr, "load:", err)
			}
			return rss
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	c := load.NewClient(target, max(sizes.Conns, sizes.Parallel))
	defer c.Close()
	failed := 0
	for _, w := range selected {
		results, err := w.Run(ctx, c, probe)
		for _, r := range results {
			fmt.Fprintln(stdout, r)
			failed += r.Errors
		}
		if err != nil {
			return fmt.Errorf("workload %s: %w", w.Name, err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d requests failed", failed)
	}
	return nil
}

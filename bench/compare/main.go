// Command compare runs the benchmark workloads against the servers in one
// run and prints a Markdown table of the results: this project's
// examples/server, the peer turborepo-remote-cache (Node.js, local
// storage), and the floor server of bench/floor, without and with fsync
// (fsstore syncs every artifact to disk; the plain floor shows what that
// costs). bench/run builds the servers, installs the peer and calls it; see
// there.
//
// With -mode s3 it starts a versitygw process (-versitygw) and compares,
// on that one S3 server, this project's server, the peer (STORAGE_PROVIDER
// s3) and a bare S3 client (bare-sdk: the SDK's PutObject and GetObject of
// the same bytes, no server between) as the floor. With -mode tier it
// compares this project's server with a local disk tier in front of
// versitygw (LOCAL_CACHE_DIR, LOCAL_CACHE_MAX_SIZE) against the same server
// on a local directory alone and on versitygw alone, and the peer on
// versitygw. Every server run gets a bucket of its own.
//
// The workloads: large and parallel move 100 MiB artifacts, one and four
// at a time; small-get and small-put move 10 KiB ones over 16 connections;
// turbo times whole `turbo run build` runs of a monorepo of 60 packages
// whose 512 KiB outputs are all remote hits (-turbo, or $TURBOCACHE_TURBO).
//
// Each round runs every workload against every server, interleaved: for
// each workload, the servers take turns, in an order that rotates every
// round, so that a noisy neighbour slows all of them alike. Every server is
// started afresh for each workload, so that the peak RSS it reports
// belongs to that workload.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/turbocache/turbocache/bench/internal/load"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// config is what the command line sets.
type config struct {
	ours, floor, peer, node string
	work                    string
	floorSync               bool
	rounds                  int
	workloads               []string
	sizes                   load.Sizes

	// mode is modeLocal, modeS3 or modeTier; versitygw is the S3 server
	// of the last two, tierMaxSize the tier's LOCAL_CACHE_MAX_SIZE.
	mode, versitygw, tierMaxSize string

	// turbo is the turbo executable of the turbo workload.
	turbo      string
	turboSizes turboSizes
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config{sizes: load.DefaultSizes, turboSizes: defaultTurboSizes}
	fs.StringVar(&cfg.ours, "ours", "", "the examples/server executable (required)")
	fs.StringVar(&cfg.floor, "floor", "", "the bench/floor executable (required)")
	fs.StringVar(&cfg.peer, "peer", os.Getenv("TURBOCACHE_PEER"), "the peer's dist/cli.js (default $TURBOCACHE_PEER; empty: leave the peer out)")
	fs.StringVar(&cfg.node, "node", "node", "the Node.js executable that runs the peer")
	fs.StringVar(&cfg.work, "dir", "", "directory for the servers' storage and logs (default: a new temporary directory, removed at the end)")
	fs.StringVar(&cfg.mode, "mode", modeLocal, "local: the servers on local directories; s3: on one versitygw, with a bare S3 client as the floor; tier: the server's local tier (LOCAL_CACHE_DIR) over versitygw")
	fs.StringVar(&cfg.versitygw, "versitygw", os.Getenv("VERSITYGW_BIN"), "the versitygw executable of the s3 and tier modes (default $VERSITYGW_BIN)")
	fs.StringVar(&cfg.tierMaxSize, "tier-max-size", "8GiB", "LOCAL_CACHE_MAX_SIZE of the tier mode")
	fs.BoolVar(&cfg.floorSync, "floor-fsync", true, "also measure the floor server with fsync before every rename, as fsstore does")
	fs.IntVar(&cfg.rounds, "rounds", 3, "rounds; figures are medians over rounds")
	names := fs.String("workloads", "large,parallel,small-get,small-put,turbo", "comma-separated workloads to run")
	fs.IntVar(&cfg.sizes.Large, "large", cfg.sizes.Large, "size of the large artifacts in bytes")
	fs.IntVar(&cfg.sizes.LargeRounds, "large-rounds", cfg.sizes.LargeRounds, "PUT-then-GET repetitions inside the large workload")
	fs.IntVar(&cfg.sizes.Parallel, "parallel", cfg.sizes.Parallel, "concurrent large transfers")
	fs.IntVar(&cfg.sizes.Small, "small", cfg.sizes.Small, "size of the small artifacts in bytes")
	fs.IntVar(&cfg.sizes.SmallGets, "small-gets", cfg.sizes.SmallGets, "GETs of the small-get workload")
	fs.IntVar(&cfg.sizes.SmallPuts, "small-puts", cfg.sizes.SmallPuts, "PUTs of the small-put workload")
	fs.IntVar(&cfg.sizes.Conns, "conns", cfg.sizes.Conns, "connections of the small workloads")
	fs.StringVar(&cfg.turbo, "turbo", os.Getenv("TURBOCACHE_TURBO"), "the turbo executable of the turbo workload (default $TURBOCACHE_TURBO)")
	fs.IntVar(&cfg.turboSizes.Packages, "turbo-packages", cfg.turboSizes.Packages, "packages of the turbo workload's monorepo")
	fs.IntVar(&cfg.turboSizes.Output, "turbo-output", cfg.turboSizes.Output, "size in bytes of each package's output in the turbo workload")
	fs.IntVar(&cfg.turboSizes.Runs, "turbo-runs", cfg.turboSizes.Runs, "timed turbo runs per server and round")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	cfg.workloads = strings.Split(*names, ",")
	switch {
	case cfg.mode != modeLocal && cfg.mode != modeS3 && cfg.mode != modeTier:
		return cfg, fmt.Errorf("-mode %q: want local, s3 or tier", cfg.mode)
	case cfg.ours == "":
		return cfg, fmt.Errorf("-ours is required")
	case cfg.mode == modeLocal && cfg.floor == "":
		return cfg, fmt.Errorf("-floor is required in the local mode")
	case cfg.mode != modeLocal && cfg.versitygw == "":
		return cfg, fmt.Errorf("-versitygw (or $VERSITYGW_BIN) is required in the %s mode", cfg.mode)
	case slices.Contains(cfg.workloads, "turbo") && cfg.turbo == "":
		return cfg, fmt.Errorf("-turbo (or $TURBOCACHE_TURBO) is required by the turbo workload")
	case cfg.turboSizes.Runs < 1:
		return cfg, fmt.Errorf("-turbo-runs %d: want at least 1", cfg.turboSizes.Runs)
	case cfg.rounds < 1:
		return cfg, fmt.Errorf("-rounds %d: want at least 1", cfg.rounds)
	}
	return cfg, nil
}

// servers returns the servers to compare, in table order.
func (cfg config) servers() []server {
	ours := server{name: "turbocache", command: func(port, dir, token string) ([]string, []string) {
		return []string{cfg.ours}, []string{"HOST=127.0.0.1", "PORT=" + port, "STORAGE_DIR=" + dir, "TURBO_TOKEN=" + token}
	}}
	peer := server{name: "peer", command: func(port, dir, token string) ([]string, []string) {
		return []string{cfg.node, cfg.peer}, []string{"NODE_ENV=production", "HOST=127.0.0.1", "PORT=" + port,
			"TURBO_TOKEN=" + token, "STORAGE_PROVIDER=local", "STORAGE_PATH=" + dir,
			"STORAGE_PATH_USE_TMP_FOLDER=false", "LOG_LEVEL=warn",
			// Room for the large artifacts; the default is exactly 100 MiB.
			"BODY_LIMIT=" + strconv.Itoa(2*cfg.sizes.Large+(1<<20))}
	}}
	floor := server{name: "floor", command: func(port, dir, _ string) ([]string, []string) {
		return []string{cfg.floor}, []string{"HOST=127.0.0.1", "PORT=" + port, "STORAGE_DIR=" + dir}
	}}
	floorSync := server{name: "floor+fsync", command: func(port, dir, token string) ([]string, []string) {
		argv, env := floor.command(port, dir, token)
		return argv, append(env, "FLOOR_FSYNC=1")
	}}
	list := []server{ours, peer, floor}
	if cfg.peer == "" {
		list = []server{ours, floor}
	}
	if cfg.floorSync {
		list = append(list, floorSync)
	}
	return list
}

func run(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if cfg.work == "" {
		dir, err := os.MkdirTemp("", "turbocache-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.work = dir
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	all := load.Workloads(cfg.sizes)
	if slices.Contains(cfg.workloads, "turbo") {
		w, err := turboWorkload(ctx, cfg.turbo, cfg.work, cfg.turboSizes)
		if err != nil {
			return err
		}
		all = append(all, w)
	}
	var workloads []load.Workload
	for _, w := range all {
		if slices.Contains(cfg.workloads, w.Name) {
			workloads = append(workloads, w)
		}
	}
	if len(workloads) != len(cfg.workloads) {
		return fmt.Errorf("-workloads: unknown workload in %q (want some of large, parallel, small-get, small-put, turbo)", cfg.workloads)
	}

	servers := cfg.servers()
	if cfg.mode != modeLocal {
		b, err := startS3(ctx, cfg.versitygw, cfg.work)
		if err != nil {
			return err
		}
		defer b.stop()
		servers = cfg.s3Servers(b)
		if cfg.mode == modeTier {
			servers = cfg.tierServers(b)
		}
	}
	m := newMeasurements()
	token := rand.Text()
	start := time.Now()
	for round := range cfg.rounds {
		order := slices.Concat(servers[round%len(servers):], servers[:round%len(servers)])
		for _, w := range workloads {
			for _, s := range order {
				work := fmt.Sprintf("%s/round%d", cfg.work, round+1)
				results, err := runOne(ctx, s, w, work, token, cfg.sizes)
				if err != nil {
					return fmt.Errorf("round %d, %s, %s: %w", round+1, w.Name, s.name, err)
				}
				for _, r := range results {
					fmt.Fprintf(stderr, "round %d %-10s %s\n", round+1, s.name, r)
					m.add(s.name, r, strings.HasPrefix(w.Name, "small"))
				}
			}
		}
		// Keep the disk usage to one round's artifacts.
		if err := os.RemoveAll(fmt.Sprintf("%s/round%d", cfg.work, round+1)); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "%d rounds in %s\n", cfg.rounds, time.Since(start).Round(time.Second))
	var names []string
	for _, s := range servers {
		names = append(names, s.name)
	}
	m.write(stdout, names)
	return nil
}

// runOne starts s, runs w against it and stops it.
func runOne(ctx context.Context, s server, w load.Workload, work, token string, sizes load.Sizes) ([]load.Result, error) {
	if s.s3 != nil {
		bucket := s.s3.bucketFor(filepath.Join(work, s.name))
		if err := s.s3.createBucket(ctx, bucket); err != nil {
			return nil, err
		}
		defer s.s3.removeBucket(bucket)
		if s.bare {
			ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
			defer cancel()
			return w.Run(ctx, &bareClient{client: s.s3.client(max(sizes.Conns, sizes.Parallel)), bucket: bucket}, nil)
		}
	}
	p, err := s.start(ctx, work, token)
	if err != nil {
		return nil, err
	}
	defer p.stop()
	c := load.NewClient(load.Target{URL: p.url, Token: token}, max(sizes.Conns, sizes.Parallel))
	defer c.Close()
	probe := func() int64 {
		rss, err := load.PeakRSS(p.pid())
		if err != nil {
			return 0
		}
		return rss
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	return w.Run(ctx, c, probe)
}

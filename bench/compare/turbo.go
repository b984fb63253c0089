package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/turbocache/turbocache/bench/internal/load"
	"github.com/turbocache/turbocache/bench/internal/turborun"
)

// turboSizes scales the turbo workload.
type turboSizes struct {
	// Packages is the number of packages of the monorepo (60), Output the
	// size of each one's output in bytes (512 KiB).
	Packages, Output int
	// Runs is the number of timed runs per round (3).
	Runs int
}

var defaultTurboSizes = turboSizes{Packages: 60, Output: 512 << 10, Runs: 3}

// turboWorkload is a whole `turbo run build` where every task is a remote
// hit: for each server it first fills the cache with one run that builds
// every package (not timed), then times s.Runs runs that restore every
// package from the server, each after clearing turbo's local cache. The
// bare S3 client serves no turbo, so it gets no result.
func turboWorkload(ctx context.Context, turbo, work string, s turboSizes) (load.Workload, error) {
	repo, err := turborun.New(ctx, filepath.Join(work, "turbo-repo"), turbo, s.Packages, s.Output)
	if err != nil {
		return load.Workload{}, err
	}
	name := fmt.Sprintf("turbo run, %d × %d KiB hits", s.Packages, s.Output>>10)
	return load.Workload{Name: "turbo", Run: func(ctx context.Context, c load.Transport, probe func() int64) ([]load.Result, error) {
		client, ok := c.(*load.Client)
		if !ok {
			return nil, nil
		}
		t := client.Target()
		server := turborun.Server{URL: t.URL, Token: t.Token, Team: t.Team}
		if _, err := repo.Run(ctx, server, turborun.AllMisses); err != nil {
			return nil, fmt.Errorf("filling the cache: %w", err)
		}
		res := load.Result{Name: name, Requests: s.Runs}
		var took []time.Duration
		for range s.Runs {
			d, err := repo.Run(ctx, server, turborun.AllRemoteHits)
			if err != nil {
				res.Errors++
				if res.FirstError == nil {
					res.FirstError = err
				}
				continue
			}
			took = append(took, d)
			res.Elapsed += d
			res.Bytes += int64(s.Packages) * int64(s.Output)
		}
		res.P50, res.P99 = load.Percentile(took, 50), load.Percentile(took, 99)
		if probe != nil {
			res.PeakRSS = probe()
		}
		return []load.Result{res}, ctx.Err()
	}}, nil
}

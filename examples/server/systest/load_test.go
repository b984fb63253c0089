package systest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadConfig is the shape of a load run, from the environment.
type loadConfig struct {
	clients  int
	duration time.Duration
	// hashes is the number of distinct artifacts; clients overwrite them
	// with the same bytes, as turbo does when two machines build one task.
	hashes int
	// maxRSS bounds the server's resident memory.
	maxRSS int64
}

func loadConfigFromEnv(t *testing.T) loadConfig {
	cfg := loadConfig{clients: 16, duration: 5 * time.Second, hashes: 128, maxRSS: 256 << 20}
	if os.Getenv("TURBOCACHE_LOAD") == "1" {
		cfg.clients, cfg.duration, cfg.hashes = 64, time.Minute, 512
	}
	if v := os.Getenv("TURBOCACHE_LOAD_CLIENTS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "TURBOCACHE_LOAD_CLIENTS")
		cfg.clients = n
	}
	if v := os.Getenv("TURBOCACHE_LOAD_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(t, err, "TURBOCACHE_LOAD_DURATION")
		cfg.duration = d
	}
	return cfg
}

// loadArtifact is artifact i of a load run: sizes spread evenly on a log
// scale from 1 KiB to 8 MiB, so most are small, as in a real monorepo, and
// some are large.
func loadArtifact(i int) artifact {
	r := rand.New(rand.NewPCG(uint64(i), 0x10ad))
	size := int64(1<<10) << r.IntN(14) // 1 KiB .. 8 MiB
	size += r.Int64N(size)
	return newArtifact(0x10ad0000+uint64(i), min(size, 8<<20))
}

// loadStats counts what a load run did.
type loadStats struct {
	puts, gets, errors atomic.Int64
	putBytes, getBytes atomic.Int64
}

// TestLoad runs clients that PUT and GET artifacts of up to 8 MiB against
// one server for a while: every request succeeds, every GET returns exactly
// the bytes that were put (checked by SHA-256), and the server's resident
// memory stays bounded.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("a load run; skipped with -short")
	}
	cfg := loadConfigFromEnv(t)
	srv := startServer(t, t.TempDir(), "LOG_LEVEL=warn")
	const team = "team_load"

	sums := make([][sha256.Size]byte, cfg.hashes)
	var stored sync.Map // index -> true once a PUT was answered
	for i := range sums {
		sums[i] = loadArtifact(i).sum()
	}
	transport := &http.Transport{MaxIdleConnsPerHost: cfg.clients}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: time.Minute}

	ctx, cancel := context.WithTimeout(context.Background(), cfg.duration)
	defer cancel()
	var st loadStats
	var maxRSS atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			if kib, err := srv.rssKiB(); err == nil && kib<<10 > maxRSS.Load() {
				maxRSS.Store(kib << 10)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
	start := time.Now()
	for c := range cfg.clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(c), 1))
			for ctx.Err() == nil {
				i := r.IntN(cfg.hashes)
				a := loadArtifact(i)
				_, known := stored.Load(i)
				if !known || r.IntN(3) == 0 { // about one PUT for two GETs
					if err := loadPut(ctx, srv, client, team, a); err != nil {
						if ctx.Err() == nil {
							st.errors.Add(1)
							t.Errorf("client %d: %v", c, err)
						}
						continue
					}
					stored.Store(i, true)
					st.puts.Add(1)
					st.putBytes.Add(a.size)
					continue
				}
				n, err := loadGet(ctx, srv, client, team, a, sums[i])
				switch {
				case err != nil && ctx.Err() != nil:
				case err != nil:
					st.errors.Add(1)
					t.Errorf("client %d: %v", c, err)
				default:
					st.gets.Add(1)
					st.getBytes.Add(n)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	mib := func(n int64) float64 { return float64(n) / (1 << 20) }
	t.Logf("%d clients for %v: %d PUTs (%.0f MiB, %.1f MiB/s), %d GETs (%.0f MiB, %.1f MiB/s), %d errors; server RSS at most %.1f MiB",
		cfg.clients, elapsed.Round(time.Millisecond), st.puts.Load(), mib(st.putBytes.Load()), mib(st.putBytes.Load())/elapsed.Seconds(),
		st.gets.Load(), mib(st.getBytes.Load()), mib(st.getBytes.Load())/elapsed.Seconds(), st.errors.Load(), mib(maxRSS.Load()))
	assert.Zero(t, st.errors.Load(), "errors")
	assert.Positive(t, st.puts.Load(), "PUTs")
	assert.Positive(t, st.gets.Load(), "GETs")
	assert.Less(t, maxRSS.Load(), cfg.maxRSS, "server RSS")
	// Uploads cut off by the end of the run are abandoned by the server a
	// moment later.
	assert.Eventually(t, func() bool { return len(tempFiles(t, srv.Dir)) == 0 }, 10*time.Second, 10*time.Millisecond,
		"temporary files after the run")
}

// loadPut uploads a.
func loadPut(ctx context.Context, srv *server, c *http.Client, team string, a artifact) error {
	resp, err := srv.doWith(ctx, c, "PUT", artifactPath(team, a.hash), a.reader(), a.size)
	if err != nil {
		return fmt.Errorf("PUT %s (%d bytes): %w", a.hash, a.size, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("PUT %s (%d bytes): status %d", a.hash, a.size, resp.StatusCode)
	}
	return nil
}

// loadGet downloads a and checks its digest against want.
func loadGet(ctx context.Context, srv *server, c *http.Client, team string, a artifact, want [sha256.Size]byte) (int64, error) {
	resp, err := srv.doWith(ctx, c, "GET", artifactPath(team, a.hash), nil, -1)
	if err != nil {
		return 0, fmt.Errorf("GET %s: %w", a.hash, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: status %d", a.hash, resp.StatusCode)
	}
	sum, n, err := sumOf(resp.Body)
	switch {
	case err != nil:
		return n, fmt.Errorf("GET %s: after %d bytes: %w", a.hash, n, err)
	case n != a.size || sum != want:
		return n, fmt.Errorf("GET %s: %d bytes with sha256 %x, want %d bytes with %x", a.hash, n, sum, a.size, want)
	}
	return n, nil
}

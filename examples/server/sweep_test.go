package main

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/internal/syncbuf"
	"github.com/turbocache/turbocache/metrics"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// s3servers holds the package's S3 servers, started on first use.
var s3servers s3test.Pool

func TestMain(m *testing.M) {
	code := m.Run()
	s3servers.Close()
	os.Exit(code)
}

func TestSweepExpires(t *testing.T) {
	for _, tc := range []struct {
		name string
		open func(t *testing.T) storage.Store
	}{
		{"fsstore", func(t *testing.T) storage.Store {
			s, err := fsstore.Open(t.TempDir(), nil)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		}},
		{"s3store", func(t *testing.T) storage.Store {
			srv := s3servers.Get(t, s3test.Options{})
			s, err := s3store.Open(context.Background(), s3store.Config{
				Bucket: srv.NewBucket(t), Region: srv.Region, Endpoint: srv.Endpoint, UsePathStyle: true,
				AccessKeyID: srv.AccessKeyID, SecretAccessKey: srv.SecretAccessKey,
			})
			require.NoError(t, err)
			return s
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testSweepExpires(t, tc.open(t))
		})
	}
}

// testSweepExpires stores old artifacts, then new ones once the store's clock
// (whole seconds on S3) has moved on, and sweeps at the moment the old ones
// have expired and the new ones have not.
func testSweepExpires(t *testing.T, store storage.Store) {
	ctx := context.Background()
	put := func(key string) time.Time {
		require.NoError(t, store.Put(ctx, key, strings.NewReader("artifact"), 8, storage.Metadata{}))
		info, err := store.Stat(ctx, key)
		require.NoError(t, err)
		return info.Created
	}
	oldCreated := put("web/0001")
	if c := put("api/0002"); c.After(oldCreated) {
		oldCreated = c // the store's clock moved on between the two
	}
	var newCreated time.Time
	require.Eventually(t, func() bool {
		newCreated = put("web/0003")
		return newCreated.After(oldCreated)
	}, 5*time.Second, 200*time.Millisecond)

	const expiration = time.Hour
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	require.NoError(t, err)
	var logs syncbuf.Buffer
	sw := &sweeper{
		store: store, expiration: expiration, metrics: m,
		now: func() time.Time { return newCreated.Add(expiration) },
		log: slog.New(slog.NewTextHandler(&logs, nil)),
	}
	sw.sweepOnce(ctx)

	for key, kept := range map[string]bool{"web/0001": false, "api/0002": false, "web/0003": true} {
		_, err := store.Stat(ctx, key)
		if kept {
			assert.NoError(t, err, "%s is not yet expired", key)
		} else {
			assert.ErrorIs(t, err, storage.ErrNotFound, "%s has expired", key)
		}
	}
	assert.Contains(t, logs.String(), `msg="expiry sweep" removed=2`)
}

// TestSweepLoop runs the periodic sweep and stops it.
func TestSweepLoop(t *testing.T) {
	store, err := fsstore.Open(t.TempDir(), &fsstore.Options{Now: func() time.Time { return time.Unix(0, 0) }})
	require.NoError(t, err)
	defer store.Close()
	require.NoError(t, store.Put(context.Background(), "web/01", strings.NewReader(""), 0, storage.Metadata{}))
	m, err := metrics.New(prometheus.NewRegistry())
	require.NoError(t, err)
	var logs syncbuf.Buffer
	sw := &sweeper{store: store, expiration: time.Hour, now: time.Now, metrics: m,
		log: slog.New(slog.NewTextHandler(&logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sw.run(ctx, 10*time.Millisecond); close(done) }()
	require.Eventually(t, func() bool { return strings.Count(logs.String(), "expiry sweep") >= 3 },
		5*time.Second, 5*time.Millisecond)
	cancel()
	<-done
	assert.Contains(t, logs.String(), "removed=1")
	_, err = store.Stat(context.Background(), "web/01")
	assert.ErrorIs(t, err, storage.ErrNotFound)
}

package kvstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/livetest"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// liveConfig returns a Config for a real namespace from the environment,
// or skips the test:
//
//	TURBOCACHE_KV_LIVE_ACCOUNT_ID, TURBOCACHE_KV_LIVE_NAMESPACE_ID,
//	TURBOCACHE_KV_LIVE_API_TOKEN (a token with Workers KV Storage: Edit).
//
// Use a namespace kept for tests: the tests write under their own keys and
// delete them, and a full run costs a few hundred API requests.
func liveConfig(t *testing.T) kvstore.Config {
	c := kvstore.Config{
		AccountID:   os.Getenv("TURBOCACHE_KV_LIVE_ACCOUNT_ID"),
		NamespaceID: os.Getenv("TURBOCACHE_KV_LIVE_NAMESPACE_ID"),
		APIToken:    os.Getenv("TURBOCACHE_KV_LIVE_API_TOKEN"),
		TTL:         time.Hour,
	}
	if c.AccountID == "" || c.NamespaceID == "" || c.APIToken == "" {
		t.Skip("set TURBOCACHE_KV_LIVE_ACCOUNT_ID, TURBOCACHE_KV_LIVE_NAMESPACE_ID and TURBOCACHE_KV_LIVE_API_TOKEN to run against a real namespace")
	}
	return c
}

// TestLiveRoundTrip writes, reads, lists and deletes a small and a
// three-part artifact in a real namespace.
func TestLiveRoundTrip(t *testing.T) {
	cfg := liveConfig(t)
	cfg.PartSize = 4 << 20
	s, err := kvstore.Open(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var id [6]byte
	rand.Read(id[:])
	prefix := "turbocache-live-" + hex.EncodeToString(id[:]) + "/"
	for _, size := range []int{1000, 10<<20 + 1} {
		key := prefix + "a" + itoa(size)
		body := randomBytes(size)
		require.NoError(t, s.Put(ctx, key, bytes.NewReader(body), int64(size), storage.Metadata{SHA: "live"}))
		got, err := readAll(t, s, key)
		require.NoError(t, err)
		require.Equal(t, body, got)
		info, err := s.Stat(ctx, key)
		require.NoError(t, err)
		require.Equal(t, int64(size), info.Size)
		defer s.Delete(context.WithoutCancel(ctx), key)
	}
	// Listing is eventually consistent: new keys may take a while to show.
	require.Eventually(t, func() bool {
		n := 0
		for _, err := range s.List(ctx, prefix) {
			if err != nil {
				return false
			}
			n++
		}
		return n == 2
	}, 2*time.Minute, 5*time.Second, "List(%q)", prefix)
}

// TestLiveConformance runs the whole suite against a real namespace when
// TURBOCACHE_KV_LIVE_FULL=1 as well. Each subtest first deletes every
// artifact in the namespace: use one kept for tests.
func TestLiveConformance(t *testing.T) {
	cfg := liveConfig(t)
	if os.Getenv("TURBOCACHE_KV_LIVE_FULL") != "1" {
		t.Skip("set TURBOCACHE_KV_LIVE_FULL=1 (and use an empty namespace) to run the conformance suite live")
	}
	storagetest.Run(t, func(t *testing.T) storage.Store {
		s, err := kvstore.Open(cfg)
		require.NoError(t, err)
		livetest.DeleteAll(t, s)
		return s
	})
}

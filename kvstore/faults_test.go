package kvstore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/storage"
)

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 7))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func partKeys(srv *kvtest.Server) []string {
	var parts []string
	for _, k := range srv.Keys() {
		if strings.HasPrefix(k, "~part/") {
			parts = append(parts, k)
		}
	}
	return parts
}

func readAll(t *testing.T, s storage.Store, key string) ([]byte, error) {
	t.Helper()
	rc, _, err := s.Get(context.Background(), key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func TestRetries(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fault    kvtest.Fault
		minDelay time.Duration
	}{
		{"429 with Retry-After", kvtest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second, Times: 1}, time.Second},
		{"429 without Retry-After", kvtest.Fault{Status: http.StatusTooManyRequests, Times: 2}, 0},
		{"500", kvtest.Fault{Status: http.StatusInternalServerError, Times: 2}, 0},
		{"503 on part writes", kvtest.Fault{Method: http.MethodPut, KeyPrefix: "~part/", Status: http.StatusServiceUnavailable, Times: 2}, 0},
		{"502 on reads", kvtest.Fault{Method: http.MethodGet, Route: "values", Status: http.StatusBadGateway, Times: 2}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := kvtest.Start(t, nil)
			s := open(t, srv, kvstore.Config{PartSize: 1 << 20})
			body := randomBytes(2<<20 + 100)
			srv.Inject(tc.fault)
			start := time.Now()
			require.NoError(t, s.Put(context.Background(), "team/a", bytes.NewReader(body), int64(len(body)), storage.Metadata{}))
			got, err := readAll(t, s, "team/a")
			require.NoError(t, err)
			require.Equal(t, body, got)
			require.GreaterOrEqual(t, time.Since(start), tc.minDelay, "Retry-After not honoured")
		})
	}
}

func TestRetryGivesUp(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fault   kvtest.Fault
		maxTime time.Duration
		want    string
	}{
		{"429 storm", kvtest.Fault{Status: http.StatusTooManyRequests}, 5 * time.Second, "gave up after 5 attempts"},
		{"Retry-After too long", kvtest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 300 * time.Second}, time.Second, "Retry-After of 5m0s"},
		{"400 is final", kvtest.Fault{Status: http.StatusBadRequest}, time.Second, "400 Bad Request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := kvtest.Start(t, nil)
			client := &http.Client{Transport: &http.Transport{}}
			s := open(t, srv, kvstore.Config{HTTPClient: client})
			before := runtime.NumGoroutine()
			srv.Inject(tc.fault)
			start := time.Now()
			err := s.Put(context.Background(), "team/a", strings.NewReader("x"), 1, storage.Metadata{})
			require.ErrorContains(t, err, tc.want)
			var apiErr *kvstore.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Less(t, time.Since(start), tc.maxTime)
			srv.ClearFaults()
			require.Empty(t, srv.Keys(), "a failed Put left keys")
			client.CloseIdleConnections()
			requireNoLeak(t, before)
		})
	}
}

func TestSlowAnswerHonoursContext(t *testing.T) {
	srv := kvtest.Start(t, nil)
	s := open(t, srv, kvstore.Config{})
	srv.Inject(kvtest.Fault{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Stat(ctx, "team/a")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 5*time.Second)
}

// TestLostPart removes one part after the manifest was written: Get must
// report a miss, never return a short artifact.
func TestLostPart(t *testing.T) {
	for _, lost := range []int{0, 1, 2} {
		t.Run([]string{"first", "middle", "last"}[lost], func(t *testing.T) {
			srv := kvtest.Start(t, nil)
			s := open(t, srv, kvstore.Config{PartSize: 1 << 20})
			body := randomBytes(2<<20 + 1)
			require.NoError(t, s.Put(context.Background(), "team/a", bytes.NewReader(body), -1, storage.Metadata{}))
			parts := partKeys(srv)
			require.Len(t, parts, 3)
			require.True(t, srv.Remove(parts[lost]))

			rc, _, err := s.Get(context.Background(), "team/a")
			require.ErrorIs(t, err, storage.ErrNotFound)
			require.Nil(t, rc)
		})
	}
	t.Run("while reading", func(t *testing.T) {
		srv := kvtest.Start(t, nil)
		s := open(t, srv, kvstore.Config{PartSize: 1 << 20})
		body := randomBytes(2<<20 + 1)
		require.NoError(t, s.Put(context.Background(), "team/a", bytes.NewReader(body), int64(len(body)), storage.Metadata{}))
		rc, _, err := s.Get(context.Background(), "team/a")
		require.NoError(t, err)
		defer rc.Close()
		parts := partKeys(srv)
		require.True(t, srv.Remove(parts[2]))
		got, err := io.ReadAll(rc)
		require.ErrorIs(t, err, storage.ErrNotFound)
		require.Less(t, len(got), len(body))
	})
}

// TestFailedUpload checks that an upload failing at any step leaves no
// manifest, deletes its parts, and keeps the artifact it was to replace.
func TestFailedUpload(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault kvtest.Fault
	}{
		{"manifest write refused", kvtest.Fault{Method: http.MethodPut, KeyPrefix: "team/a", Status: http.StatusBadRequest}},
		{"manifest write keeps failing", kvtest.Fault{Method: http.MethodPut, KeyPrefix: "team/a", Status: http.StatusInternalServerError}},
		{"part write refused", kvtest.Fault{Method: http.MethodPut, KeyPrefix: "~part/", Status: http.StatusRequestEntityTooLarge}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := kvtest.Start(t, nil)
			s := open(t, srv, kvstore.Config{PartSize: 1 << 20})
			old := randomBytes(1<<20 + 5)
			require.NoError(t, s.Put(context.Background(), "team/a", bytes.NewReader(old), -1, storage.Metadata{SHA: "old"}))
			keysBefore := srv.Keys()

			srv.Inject(tc.fault)
			body := randomBytes(3<<20 + 1)
			err := s.Put(context.Background(), "team/a", bytes.NewReader(body), int64(len(body)), storage.Metadata{SHA: "new"})
			require.Error(t, err)
			srv.ClearFaults()

			require.Equal(t, keysBefore, srv.Keys(), "keys after a failed Put")
			got, err := readAll(t, s, "team/a")
			require.NoError(t, err)
			require.Equal(t, old, got)
		})
	}
	t.Run("reader fails, no old artifact", func(t *testing.T) {
		srv := kvtest.Start(t, nil)
		s := open(t, srv, kvstore.Config{PartSize: 1 << 20})
		r := io.MultiReader(bytes.NewReader(randomBytes(2<<20+7)), iotestErrReader{})
		require.Error(t, s.Put(context.Background(), "team/a", r, -1, storage.Metadata{}))
		require.Empty(t, srv.Keys())
		_, err := s.Stat(context.Background(), "team/a")
		require.ErrorIs(t, err, storage.ErrNotFound)
	})
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestOldPartsRemoved checks that overwrite and Delete remove the parts of
// the artifact they replace.
func TestOldPartsRemoved(t *testing.T) {
	ctx := context.Background()
	srv := kvtest.Start(t, nil)
	s := open(t, srv, kvstore.Config{PartSize: 1 << 20})
	first := randomBytes(3 << 20)
	require.NoError(t, s.Put(ctx, "team/a", bytes.NewReader(first), -1, storage.Metadata{}))
	firstParts := partKeys(srv)
	require.Len(t, firstParts, 3)

	second := randomBytes(2<<20 + 3)
	require.NoError(t, s.Put(ctx, "team/a", bytes.NewReader(second), -1, storage.Metadata{}))
	secondParts := partKeys(srv)
	require.Len(t, secondParts, 3)
	for _, k := range firstParts {
		require.NotContains(t, secondParts, k)
	}

	require.NoError(t, s.Put(ctx, "team/a", strings.NewReader("small"), 5, storage.Metadata{}))
	require.Empty(t, partKeys(srv), "inline overwrite left parts")
	require.NoError(t, s.Put(ctx, "team/a", bytes.NewReader(first), -1, storage.Metadata{}))
	require.NoError(t, s.Delete(ctx, "team/a"))
	require.Empty(t, srv.Keys(), "Delete left keys")
}

func TestLargeMetadata(t *testing.T) {
	ctx := context.Background()
	srv := kvtest.Start(t, nil)
	s := open(t, srv, kvstore.Config{PartSize: 1 << 20})
	md := storage.Metadata{Duration: 1234 * time.Millisecond, Tag: strings.Repeat("T", 600) + strings.Repeat("é", 100),
		SHA: strings.Repeat("a", 40), DirtyHash: strings.Repeat("d", 300)}
	for _, size := range []int{10, 3 << 20} {
		require.NoError(t, s.Put(ctx, "team/md", bytes.NewReader(randomBytes(size)), int64(size), md))
		info, err := s.Stat(ctx, "team/md")
		require.NoError(t, err)
		assert.Equal(t, md, info.Metadata)
		assert.Equal(t, int64(size), info.Size)
		rc, info, err := s.Get(ctx, "team/md")
		require.NoError(t, err)
		rc.Close()
		assert.Equal(t, md, info.Metadata)
	}
}

func TestKeysAreEscaped(t *testing.T) {
	srv := kvtest.Start(t, nil)
	s := open(t, srv, kvstore.Config{})
	for _, key := range []string{"a/b/c", "team_1/..a/x", "t/-._"} {
		require.NoError(t, s.Put(context.Background(), key, strings.NewReader("v"), 1, storage.Metadata{}))
		require.Contains(t, srv.Keys(), key)
	}
}

// TestListPages stores more artifacts than one list answer holds.
func TestListPages(t *testing.T) {
	srv := kvtest.Start(t, nil)
	s := open(t, srv, kvstore.Config{PartSize: 1 << 20})
	ctx := context.Background()
	const n = 1005
	sem := make(chan struct{}, 8)
	errs := make(chan error, n)
	for i := range n {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			errs <- s.Put(ctx, "t/"+strings.Repeat("k", 1+i%3)+"-"+string(rune('a'+i%26))+"-"+itoa(i), strings.NewReader("v"), 1, storage.Metadata{})
		}()
	}
	for range n {
		require.NoError(t, <-errs)
	}
	// A multi-part artifact, whose parts List must not yield.
	require.NoError(t, s.Put(ctx, "t/big", bytes.NewReader(randomBytes(2<<20)), -1, storage.Metadata{}))
	before := srv.Requests()
	count := 0
	for obj, err := range s.List(ctx, "") {
		require.NoError(t, err)
		require.NotContains(t, obj.Key, "~")
		count++
	}
	require.Equal(t, n+1, count)
	require.Equal(t, int64(2), srv.Requests()-before, "list requests for %d artifacts", n+1)
}

func itoa(i int) string { return strconv.Itoa(i) }

// requireNoLeak waits until no more goroutines run than before.
func requireNoLeak(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines leaked: %d before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

package s3store_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
)

// TestServerStopped checks that a stopped server is reported as a failure,
// not as a miss, and that the same Store works again once it is back.
func TestServerStopped(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	s := openStore(t, srv, s3store.Config{})
	body := []byte("artifact")
	md := storage.Metadata{Duration: time.Second, SHA: "abc"}
	require.NoError(t, s.Put(context.Background(), "team/k", bytes.NewReader(body), int64(len(body)), md))

	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	start := time.Now()
	_, _, err := s.Get(ctx, "team/k")
	require.Error(t, err)
	require.NotErrorIs(t, err, storage.ErrNotFound, "a stopped server is not a miss")
	t.Logf("Get with the server stopped failed after %v: %v", time.Since(start).Round(time.Millisecond), err)
	_, err = s.Stat(ctx, "team/k")
	require.Error(t, err)
	require.NotErrorIs(t, err, storage.ErrNotFound)
	require.Error(t, s.Put(ctx, "team/other", bytes.NewReader(body), int64(len(body)), md))

	require.NoError(t, srv.Start(ctx))
	rc, info, err := s.Get(ctx, "team/k")
	require.NoError(t, err, "Get once the server is back")
	got, err := io.ReadAll(rc)
	rc.Close()
	require.NoError(t, err)
	require.Equal(t, body, got)
	require.Equal(t, md, info.Metadata)
	require.NoError(t, s.Put(ctx, "team/other", bytes.NewReader(body), int64(len(body)), md))
	_, err = s.Stat(ctx, "team/missing")
	require.ErrorIs(t, err, storage.ErrNotFound)
}

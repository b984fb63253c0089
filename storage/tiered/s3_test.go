package tiered_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/storage/tiered"
)

// TestS3Stopped stops the versitygw behind the tier: local hits and queued
// uploads are still served, a miss fails without claiming a miss, uploads
// queue, and they reach S3 once it is back.
func TestS3Stopped(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	remote := openS3(t, srv)
	tr := newTier(t, remote, fast)
	ctx := context.Background()
	body := bytes.Repeat([]byte("s3"), 50<<10)
	put(t, tr, "team/hot", body, md)
	drain(t, tr.Store)
	require.NoError(t, remote.Put(ctx, "team/cold", bytes.NewReader(body), int64(len(body)), md))

	srv.Stop()
	got, _, rc := read(t, tr, "team/hot")
	require.Equal(t, body, got)
	require.IsType(t, &os.File{}, rc)
	gctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, _, err := tr.Get(gctx, "team/cold")
	require.Error(t, err)
	require.NotErrorIs(t, err, storage.ErrNotFound, "S3 stopped is not a miss")
	put(t, tr, "team/new", body, md)
	got, _, _ = read(t, tr, "team/new")
	require.Equal(t, body, got, "an upload queued while S3 is down is served")

	require.NoError(t, srv.Start(ctx))
	drain(t, tr.Store)
	info, err := remote.Stat(ctx, "team/new")
	require.NoError(t, err, "the queued upload reached S3")
	require.Equal(t, int64(len(body)), info.Size)
	got, _, _ = read(t, tr, "team/cold")
	require.Equal(t, body, got)
}

// TestS3WriteThroughStopped checks that write-through uploads fail while S3
// is down, leaving nothing behind.
func TestS3WriteThroughStopped(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	tr := newTier(t, openS3(t, srv), &tiered.Options{Write: tiered.WriteThrough})
	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := tr.Put(ctx, "team/k", bytes.NewReader([]byte("x")), 1, md)
	require.Error(t, err)
	require.Zero(t, tr.Stats().Queued)
	require.NoError(t, srv.Start(ctx))
	_, err = tr.Stat(ctx, "team/k")
	require.ErrorIs(t, err, storage.ErrNotFound)
}

// TestS3FillFailsEarly checks that a local copy that fails at once leaves
// the stream from S3 to the caller whole.
func TestS3FillFailsEarly(t *testing.T) {
	remote := openS3(t, s3servers.Get(t, s3test.Options{}))
	body := bytes.Repeat([]byte("f"), 24<<20)
	require.NoError(t, remote.Put(context.Background(), "team/k", bytes.NewReader(body), int64(len(body)), md))
	s := openTier(t, diskFull{memstore.New(nil)}, remote, filepath.Join(t.TempDir(), "uploads"), nil)
	got, _, _ := read(t, s, "team/k")
	require.Equal(t, body, got)
	require.Eventually(t, func() bool { return s.Stats().FillFailures == 1 }, 10*time.Second, time.Millisecond)
}

package s3store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
)

// TestCreateConditional checks what the server answers to the conditional
// writes of Create, for single and multipart uploads: S3's 412
// PreconditionFailed for an existing object (versitygw v1.8.0 checks
// If-None-Match on PutObject and on CompleteMultipartUpload, under a lock
// per object), and exactly one winner among concurrent Creates.
func TestCreateConditional(t *testing.T) {
	srv := servers.Get(t, s3test.Options{})
	s := openStore(t, srv, s3store.Config{Options: s3store.Options{PartSize: s3store.MinPartSize, Concurrency: 2}})
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		size int
	}{
		{"PutObject", 1 << 20},
		{"Multipart", 2*s3store.MinPartSize + 123},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "nx/" + tc.name
			first := bytes.Repeat([]byte{'1'}, tc.size)
			require.NoError(t, s.Create(ctx, key, bytes.NewReader(first), int64(len(first)), storage.Metadata{}))
			err := s.Create(ctx, key, bytes.NewReader(first[1:]), int64(len(first)-1), storage.Metadata{})
			require.ErrorIs(t, err, storage.ErrExists)
			// versitygw answers 412 before it reads the body: the client
			// gets the 412, or, still sending, a reset connection. Either
			// stays in the chain.
			var apiErr smithy.APIError
			if errors.As(err, &apiErr) {
				assert.Equal(t, "PreconditionFailed", apiErr.ErrorCode())
			} else {
				assert.ErrorContains(t, err, "request send failed", "the server's error stays in the chain")
			}
			requireBody(t, s, key, first)

			const racers = 4
			key += "-race"
			bodies := make([][]byte, racers)
			errs := make([]error, racers)
			var wg sync.WaitGroup
			for i := range racers {
				bodies[i] = bytes.Repeat([]byte{byte('a' + i)}, tc.size+i)
				wg.Go(func() {
					errs[i] = s.Create(ctx, key, bytes.NewReader(bodies[i]), int64(len(bodies[i])), storage.Metadata{})
				})
			}
			wg.Wait()
			winner := -1
			for i, err := range errs {
				if err == nil {
					require.Equal(t, -1, winner, "two Creates succeeded: %v", errs)
					winner = i
				} else {
					require.ErrorIs(t, err, storage.ErrExists)
				}
			}
			require.NotEqual(t, -1, winner, "no Create succeeded: %v", errs)
			requireBody(t, s, key, bodies[winner])
			_, uploads, err := srv.Leftovers(ctx, s.Bucket())
			require.NoError(t, err)
			assert.Empty(t, uploads, "multipart uploads left by refused Creates")
		})
	}
}

func requireBody(t *testing.T, s storage.Store, key string, want []byte) {
	t.Helper()
	rc, _, err := s.Get(context.Background(), key)
	require.NoError(t, err)
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	require.NoError(t, err)
	require.Equal(t, int64(len(want)), n)
	require.Equal(t, sha256.Sum256(want), [32]byte(h.Sum(nil)))
}

package s3store_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// after calls fn once n bytes of r have been read, then goes on reading r,
// or fails with err when it is not nil.
type after struct {
	r   io.Reader
	n   int64
	fn  func()
	err error
}

func (a *after) Read(b []byte) (int, error) {
	if a.n <= 0 {
		if a.fn != nil {
			a.fn()
			a.fn = nil
		}
		if a.err != nil {
			return 0, a.err
		}
	}
	n, err := a.r.Read(b)
	a.n -= int64(n)
	return n, err
}

// TestFailedUploadLeavesNothing checks that failed and cancelled Puts, of one
// part and of several, leave neither an object nor an unfinished multipart
// upload in the bucket.
func TestFailedUploadLeavesNothing(t *testing.T) {
	const part = s3store.MinPartSize
	errBroken := errors.New("reader broke on purpose")
	for _, tc := range []struct {
		name string
		size int64
		put  func(ctx context.Context, s storage.Store, size int64) error
	}{
		{"ReaderFailsInFirstPart", 3 * part, func(ctx context.Context, s storage.Store, size int64) error {
			return s.Put(ctx, "team/k", &after{r: storagetest.Body(0, size), n: part / 2, err: errBroken}, size, storage.Metadata{})
		}},
		{"ReaderFailsInThirdPart", 4 * part, func(ctx context.Context, s storage.Store, size int64) error {
			return s.Put(ctx, "team/k", &after{r: storagetest.Body(0, size), n: 2*part + 1, err: errBroken}, size, storage.Metadata{})
		}},
		{"ReaderShort", 4 * part, func(ctx context.Context, s storage.Store, size int64) error {
			return s.Put(ctx, "team/k", storagetest.Body(0, size-1), size, storage.Metadata{})
		}},
		{"CancelledInThirdPart", 4 * part, func(ctx context.Context, s storage.Store, size int64) error {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			return s.Put(ctx, "team/k", &after{r: storagetest.Body(0, size), n: 2*part + 1, fn: cancel}, size, storage.Metadata{})
		}},
		{"CancelledWhilePartsAreSent", 6 * part, func(ctx context.Context, s storage.Store, size int64) error {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			// The last part is read only once the first ones are in
			// flight; cancel then, with requests on the wire.
			return s.Put(ctx, "team/k", &after{r: storagetest.Body(0, size), n: 5 * part, fn: cancel}, size, storage.Metadata{})
		}},
		{"DeadlineDuringUpload", 8 * part, func(ctx context.Context, s storage.Store, size int64) error {
			ctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			slow := &after{r: storagetest.Body(0, size), n: 2 * part, fn: func() { <-ctx.Done() }}
			return s.Put(ctx, "team/k", slow, size, storage.Metadata{})
		}},
	} {
		for _, tls := range []bool{false, true} {
			name := tc.name + map[bool]string{false: "/HTTP", true: "/HTTPS"}[tls]
			t.Run(name, func(t *testing.T) {
				srv := servers.Get(t, s3test.Options{TLS: tls})
				s := openStore(t, srv, s3store.Config{Options: s3store.Options{PartSize: part, Concurrency: 2}})
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()

				require.Error(t, tc.put(ctx, s, tc.size))

				objects, uploads, err := srv.Leftovers(ctx, s.Bucket())
				require.NoError(t, err)
				require.Empty(t, objects, "objects left by a failed Put")
				require.Empty(t, uploads, "multipart uploads left by a failed Put")
				_, err = s.Stat(ctx, "team/k")
				require.ErrorIs(t, err, storage.ErrNotFound)
			})
		}
	}
}

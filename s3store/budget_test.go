package s3store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/heappeak"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// TestUploadMemoryBudget runs 16 concurrent uploads of 100 MiB through one
// Store and checks that the heap grows by no more than the Store's upload
// memory budget plus a constant: the memory of uploads does not grow with
// their number.
func TestUploadMemoryBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 1.6 GiB")
	}
	const (
		uploads = 16
		size    = 100 << 20
		// The SDK's, HTTP's and TLS's buffers of 16 requests at once.
		slack = 8 << 20
	)
	for _, tc := range []struct {
		name   string
		tls    bool
		budget int64
	}{
		{"HTTP/DefaultBudget", false, 0},
		{"HTTPS/16MiB", true, 16 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := servers.Get(t, s3test.Options{TLS: tc.tls})
			s := openStore(t, srv, s3store.Config{Options: s3store.Options{UploadMemory: tc.budget}})
			budget := s.UploadMemory()
			if tc.budget == 0 {
				require.Equal(t, int64(s3store.DefaultUploadMemory), budget)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			start := time.Now()
			errs := make([]error, uploads)
			grew := heappeak.Measure(func() {
				var wg sync.WaitGroup
				for i := range uploads {
					wg.Go(func() {
						errs[i] = s.Put(ctx, fmt.Sprintf("team/big%d", i), storagetest.Body(0, size), size, storage.Metadata{})
					})
				}
				wg.Wait()
			})
			elapsed := time.Since(start)
			for i, err := range errs {
				require.NoError(t, err, "upload %d", i)
			}
			t.Logf("%d concurrent Puts of %d MiB in %v (%.0f MiB/s): heap grew by %.1f MiB; budget %d MiB + %d MiB",
				uploads, size>>20, elapsed.Round(time.Millisecond), float64(uploads*size>>20)/elapsed.Seconds(),
				float64(grew)/(1<<20), budget>>20, slack>>20)
			assert.LessOrEqual(t, grew, uint64(budget+slack), "heap growth during %d concurrent Puts", uploads)
			for i := range uploads {
				info, err := s.Stat(ctx, fmt.Sprintf("team/big%d", i))
				require.NoError(t, err)
				assert.Equal(t, int64(size), info.Size, "upload %d", i)
			}
		})
	}
}

// TestUploadWaitsForBudget fills a budget of one part with an upload whose
// client stalls, and checks that a second upload waits for a buffer rather
// than allocating one, gives up when its context ends (leaving nothing),
// and goes through once the first upload has finished.
func TestUploadWaitsForBudget(t *testing.T) {
	const part = s3store.MinPartSize
	srv := servers.Get(t, s3test.Options{})
	s := openStore(t, srv, s3store.Config{Options: s3store.Options{PartSize: part, UploadMemory: part}})
	require.Equal(t, int64(part), s.UploadMemory())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// The first upload holds the only buffer while its body stalls.
	resume, first := stallUpload(ctx, s, "team/first", 3*part, part/2)

	waitCtx, waitCancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer waitCancel()
	start := time.Now()
	err := s.Put(waitCtx, "team/second", storagetest.Body(0, 2*part), 2*part, storage.Metadata{})
	require.ErrorIs(t, err, context.DeadlineExceeded, "a Put with no buffer free ends with its context")
	require.GreaterOrEqual(t, time.Since(start), 250*time.Millisecond, "the Put waited for a buffer")
	_, err = s.Stat(ctx, "team/second")
	require.ErrorIs(t, err, storage.ErrNotFound)

	// Once the first upload moves on, both go through, one buffer at a time.
	second := make(chan error, 1)
	go func() { second <- s.Put(ctx, "team/second", storagetest.Body(0, 2*part), 2*part, storage.Metadata{}) }()
	resume()
	require.NoError(t, <-first)
	require.NoError(t, <-second)
	for key, size := range map[string]int64{"team/first": 3 * part, "team/second": 2 * part} {
		info, err := s.Stat(ctx, key)
		require.NoError(t, err)
		require.Equal(t, size, info.Size, key)
	}
	objects, uploads, err := srv.Leftovers(ctx, s.Bucket())
	require.NoError(t, err)
	require.Len(t, objects, 2)
	require.Empty(t, uploads, "multipart uploads left over")
}

// stallUpload starts a Put of size bytes under key whose body stalls once
// it has given stallAt bytes, holding what the upload took of the budget.
// It returns once the body stalls, with the function that lets it go on
// and the channel of the Put's result.
func stallUpload(ctx context.Context, s *s3store.Store, key string, size, stallAt int64) (resume func(), result <-chan error) {
	stalled, goOn := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		body := &after{r: storagetest.Body(0, size), n: stallAt, fn: func() { close(stalled); <-goOn }}
		done <- s.Put(ctx, key, body, size, storage.Metadata{})
	}()
	<-stalled
	return func() { close(goOn) }, done
}

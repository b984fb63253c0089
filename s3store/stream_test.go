package s3store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
)

// TestBodyCutShortLeavesNothing breaks small bodies (below one part, the
// ones that may stream without a buffer) at points up to their very last
// byte, and checks that no object is stored, in every scheme and checksum
// mode: a streamed request cut short must never look whole to the server.
func TestBodyCutShortLeavesNothing(t *testing.T) {
	const size = 300 << 10
	body := bytes.Repeat([]byte("turbocache"), size/10+1)[:size]
	errBroken := errors.New("reader broke on purpose")
	for _, tc := range []struct {
		name string
		tls  bool
		mode s3store.ChecksumMode
	}{
		{"HTTP/WhenSupported", false, s3store.ChecksumWhenSupported},
		{"HTTP/WhenRequired", false, s3store.ChecksumWhenRequired},
		{"HTTPS/WhenSupported", true, s3store.ChecksumWhenSupported},
		{"HTTPS/WhenRequired", true, s3store.ChecksumWhenRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := servers.Get(t, s3test.Options{TLS: tc.tls})
			s := openStore(t, srv, s3store.Config{Options: s3store.Options{Checksum: tc.mode}})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			for _, cut := range []int{0, 1000, size / 2, size - 100, size - 2, size - 1} {
				key := fmt.Sprintf("team/cut%d", cut)
				r := io.MultiReader(bytes.NewReader(body[:cut]), iotestErr{errBroken})
				require.ErrorIs(t, s.Put(ctx, key, r, size, storage.Metadata{}), errBroken, "cut after %d bytes", cut)
				_, err := s.Stat(ctx, key)
				require.ErrorIs(t, err, storage.ErrNotFound, "a body cut after %d of %d bytes was stored", cut, size)
			}
			// One byte too many fails too, before the object is whole.
			r := bytes.NewReader(append(body, 'x'))
			require.Error(t, s.Put(ctx, "team/long", r, size, storage.Metadata{}))
			_, err := s.Stat(ctx, "team/long")
			require.ErrorIs(t, err, storage.ErrNotFound, "a body longer than its size was stored")
			// And the whole body goes up.
			require.NoError(t, s.Put(ctx, "team/whole", bytes.NewReader(body), size, storage.Metadata{}))
			info, err := s.Stat(ctx, "team/whole")
			require.NoError(t, err)
			require.Equal(t, int64(size), info.Size)
		})
	}
}

// iotestErr is a reader that always fails with err.
type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

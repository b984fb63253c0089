package s3store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
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

// fileAt writes junk then body to a new file, and returns the file open at
// body's first byte, as an fsstore Get returns an artifact's.
func fileAt(t *testing.T, junk int, body []byte) *os.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "artifact")
	require.NoError(t, os.WriteFile(path, append(bytes.Repeat([]byte{'#'}, junk), body...), 0o600))
	f, err := os.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	_, err = f.Seek(int64(junk), io.SeekStart)
	require.NoError(t, err)
	return f
}

func patternBytes(n int64) []byte {
	b, _ := io.ReadAll(storagetest.Body(0, n))
	return b
}

func requireStored(t *testing.T, s *s3store.Store, key string, want []byte) {
	t.Helper()
	rc, info, err := s.Get(context.Background(), key)
	require.NoError(t, err)
	defer rc.Close()
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Equal(t, int64(len(want)), info.Size)
	require.Equal(t, sha256.Sum256(want), sha256.Sum256(got), "%s holds other bytes", key)
}

// A file goes up from where it stands, in sections of the file, without a
// part buffer: it goes through while another upload holds the whole
// budget.
func TestFileUploadNeedsNoBuffer(t *testing.T) {
	const part = s3store.MinPartSize
	for _, tls := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP", true: "HTTPS"}[tls], func(t *testing.T) {
			srv := servers.Get(t, s3test.Options{TLS: tls})
			s := openStore(t, srv, s3store.Config{Options: s3store.Options{PartSize: part, UploadMemory: part, Checksum: s3store.ChecksumWhenSupported}})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()

			resume, first := stallUpload(ctx, s, "team/buffered", 2*part, part/2)

			for name, size := range map[string]int64{"small": 1000, "multipart": 2*part + part/3, "empty": 0} {
				body := patternBytes(size)
				f := fileAt(t, 77, body)
				putCtx, putCancel := context.WithTimeout(ctx, 20*time.Second)
				require.NoError(t, s.Put(putCtx, "team/"+name, f, size, storage.Metadata{Tag: name}), "%s: the budget's only buffer is taken", name)
				putCancel()
				requireStored(t, s, "team/"+name, body)
			}
			require.NoError(t, s.Create(ctx, "team/created", fileAt(t, 5, patternBytes(part+1)), part+1, storage.Metadata{}))
			requireStored(t, s, "team/created", patternBytes(part+1))
			err := s.Create(ctx, "team/created", fileAt(t, 5, []byte("other")), 5, storage.Metadata{})
			require.ErrorIs(t, err, storage.ErrExists)

			resume()
			require.NoError(t, <-first)
			_, uploads, err := srv.Leftovers(ctx, s.Bucket())
			require.NoError(t, err)
			require.Empty(t, uploads, "multipart uploads left over")
		})
	}
}

// A file holding more or less than the declared size is refused, as any
// body is, and nothing is stored.
func TestFileUploadOfWrongLength(t *testing.T) {
	const part = s3store.MinPartSize
	srv := servers.Get(t, s3test.Options{})
	s := openStore(t, srv, s3store.Config{Options: s3store.Options{PartSize: part}})
	ctx := context.Background()
	body := patternBytes(part + 10)
	for _, tc := range []struct {
		name string
		size int64
		want error
	}{
		{"short", part + 11, io.ErrUnexpectedEOF},
		{"long", part + 9, nil},
		{"long small", 9, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Put(ctx, "team/wrong", fileAt(t, 3, body), tc.size, storage.Metadata{})
			require.Error(t, err)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			} else {
				require.ErrorContains(t, err, "longer than the declared")
			}
			_, err = s.Stat(ctx, "team/wrong")
			require.ErrorIs(t, err, storage.ErrNotFound)
		})
	}
}

// A file that cannot seek, a pipe, is streamed like any other body.
func TestPipeUploadStreams(t *testing.T) {
	srv := servers.Get(t, s3test.Options{})
	s := openStore(t, srv, s3store.Config{Options: s3store.Options{PartSize: s3store.MinPartSize}})
	body := patternBytes(s3store.MinPartSize + 123)
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	go func() {
		_, _ = w.Write(body)
		w.Close()
	}()
	require.NoError(t, s.Put(context.Background(), "team/piped", r, int64(len(body)), storage.Metadata{}))
	requireStored(t, s, "team/piped", body)
}

// Uploading a file takes no memory that grows with its size.
func TestFileUploadMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 200 MiB")
	}
	const size = 200 << 20
	srv := servers.Get(t, s3test.Options{TLS: true})
	s := openStore(t, srv, s3store.Config{Options: s3store.Options{PartSize: s3store.MinPartSize, Concurrency: 4, Checksum: s3store.ChecksumWhenSupported}})
	path := filepath.Join(t.TempDir(), "big")
	out, err := os.Create(path)
	require.NoError(t, err)
	_, err = io.Copy(out, storagetest.Body(0, size))
	require.NoError(t, err)
	require.NoError(t, out.Close())
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	grew := heappeak.Measure(func() {
		require.NoError(t, s.Put(context.Background(), "team/big", f, size, storage.Metadata{}))
	})
	t.Logf("Put of a %d MiB file (4 parts of %d MiB at a time): heap grew by %.1f MiB", size>>20, s3store.MinPartSize>>20, float64(grew)/(1<<20))
	assert.Less(t, grew, uint64(s3store.MinPartSize), "less than one part buffer")
	info, err := s.Stat(context.Background(), "team/big")
	require.NoError(t, err)
	require.Equal(t, int64(size), info.Size)
}

package tiered_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/tiered"
)

// s3servers holds the package's S3 server, started on first use.
var s3servers s3test.Pool

func TestMain(m *testing.M) {
	if os.Getenv(envChild) != "" {
		os.Exit(childMain())
	}
	code := m.Run()
	s3servers.Close()
	os.Exit(code)
}

// tier is a Store under test with the directories of its tiers.
type tier struct {
	*tiered.Store
	local    *fsstore.Store
	localDir string
	queueDir string
}

// newTier opens a tier over remote with a fresh local fsstore and queue
// directory, closed when the test ends.
func newTier(t testing.TB, remote storage.Store, opts *tiered.Options) *tier {
	t.Helper()
	dir := t.TempDir()
	tr := &tier{localDir: filepath.Join(dir, "artifacts"), queueDir: filepath.Join(dir, "uploads")}
	var err error
	tr.local, err = fsstore.Open(tr.localDir, &fsstore.Options{MaxSize: 512 << 20})
	require.NoError(t, err)
	t.Cleanup(func() { tr.local.Close() })
	tr.Store = openTier(t, tr.local, remote, tr.queueDir, opts)
	return tr
}

// openTier opens a tier on existing stores, closed when the test ends.
func openTier(t testing.TB, local, remote storage.Store, queueDir string, opts *tiered.Options) *tiered.Store {
	t.Helper()
	o := tiered.Options{}
	if opts != nil {
		o = *opts
	}
	o.QueueDir = queueDir
	s, err := tiered.New(local, remote, &o)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// put stores body under key in s.
func put(t testing.TB, s storage.Store, key string, body []byte, md storage.Metadata) {
	t.Helper()
	require.NoError(t, s.Put(context.Background(), key, bytes.NewReader(body), int64(len(body)), md))
}

// read returns the artifact stored under key in s, and its reader's type.
func read(t testing.TB, s storage.Store, key string) ([]byte, storage.Info, any) {
	t.Helper()
	rc, info, err := s.Get(context.Background(), key)
	require.NoError(t, err, "Get(%q)", key)
	defer rc.Close()
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.Equal(t, info.Size, int64(len(got)))
	return got, info, rc
}

// drain waits until s has no upload queued.
func drain(t testing.TB, s *tiered.Store) {
	t.Helper()
	require.Eventually(t, func() bool { return s.Stats().Queued == 0 }, 30*time.Second, 5*time.Millisecond,
		"uploads still queued: %+v", s.Stats())
}

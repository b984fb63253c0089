package tiered

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/memstore"
)

// A miss that read the near tiers just before another fill of the key
// ended, and looks for that fill just after, finds the fill's copy instead
// of asking the remote again.
func TestMissAfterAFillEnded(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	remote := memstore.New(nil)
	require.NoError(t, remote.Put(ctx, "team/k", strings.NewReader("filled once"), 11, storage.Metadata{}))
	local, err := fsstore.Open(filepath.Join(dir, "artifacts"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { local.Close() })
	s, err := New(local, remote, &Options{QueueDir: filepath.Join(dir, "uploads")})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })

	ended := s.fillsEnded.Load() // the second Get's view, before the near tiers missed

	rc, _, err := s.Get(ctx, "team/k") // the first Get fills the tier
	require.NoError(t, err)
	_, err = io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	require.Eventually(t, func() bool { return s.Stats().Fills == 1 }, 10*time.Second, time.Millisecond)

	rc, _, err = s.fetch(ctx, "team/k", ended, true) // the second Get, after its miss
	require.NoError(t, err)
	got, err := io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	require.Equal(t, "filled once", string(got))
	require.IsType(t, &os.File{}, rc, "the fill's local copy")
	require.Equal(t, int64(1), s.Stats().RemoteGets, "one remote GET for both")
}

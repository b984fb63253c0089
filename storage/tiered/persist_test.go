package tiered_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/storage/storagetest"
	"github.com/turbocache/turbocache/storage/tiered"
)

// reopenedTier is a tier and the local store it was opened on; closing it
// closes both, as a server that stops does.
type reopenedTier struct {
	*tiered.Store
	local *fsstore.Store
}

func (r reopenedTier) Close() error {
	err := r.Store.Close()
	if lerr := r.local.Close(); err == nil {
		err = lerr
	}
	return err
}

// TestPersistence opens the tier again on the same local directory, queue
// directory and remote store, in both write modes.
func TestPersistence(t *testing.T) {
	for _, mode := range []tiered.WriteMode{tiered.WriteBack, tiered.WriteThrough} {
		t.Run(mode.String(), func(t *testing.T) {
			storagetest.RunPersistence(t, func(t *testing.T) func(t *testing.T) storage.Store {
				dir := t.TempDir()
				remote := memstore.New(nil)
				return func(t *testing.T) storage.Store {
					local, err := fsstore.Open(filepath.Join(dir, "artifacts"), &fsstore.Options{MaxSize: 512 << 20})
					require.NoError(t, err)
					t.Cleanup(func() { local.Close() })
					return reopenedTier{Store: openTier(t, local, remote, filepath.Join(dir, "uploads"), &tiered.Options{Write: mode}), local: local}
				}
			})
		})
	}
}

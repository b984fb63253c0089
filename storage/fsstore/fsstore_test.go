package fsstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		s, err := fsstore.Open(t.TempDir(), nil)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestPersistence reopens a directory, unbounded and bounded (where the
// LRU index must survive too).
func TestPersistence(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts *fsstore.Options
	}{
		{"unbounded", nil},
		{"bounded", &fsstore.Options{MaxSize: 256 << 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storagetest.RunPersistence(t, func(t *testing.T) func(t *testing.T) storage.Store {
				dir := t.TempDir()
				return func(t *testing.T) storage.Store {
					s, err := fsstore.Open(dir, tc.opts)
					require.NoError(t, err)
					t.Cleanup(func() { s.Close() })
					return s
				}
			})
		})
	}
}

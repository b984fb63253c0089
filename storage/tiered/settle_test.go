package tiered_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An uploaded artifact moves from the queue directory into the local
// store: its file is renamed, not copied.
func TestUploadedArtifactMovesIntoLocal(t *testing.T) {
	remote := newFlaky()
	remote.down.Store(true)
	tr := newTier(t, remote, fast)
	put(t, tr, "team/k", []byte("moved, not copied"), md)
	queued, err := os.Stat(filepath.Join(tr.queueDir, "team", "k"))
	require.NoError(t, err)

	remote.down.Store(false)
	drain(t, tr.Store)
	local, err := os.Stat(filepath.Join(tr.localDir, "team", "k"))
	require.NoError(t, err)
	assert.Equal(t, queued.Sys().(*syscall.Stat_t).Ino, local.Sys().(*syscall.Stat_t).Ino, "the queued file itself is the local copy")
	_, err = os.Stat(filepath.Join(tr.queueDir, "team", "k"))
	require.ErrorIs(t, err, os.ErrNotExist)
	got, info, _ := read(t, tr, "team/k")
	assert.Equal(t, []byte("moved, not copied"), got)
	assert.Equal(t, md, info.Metadata)
	assert.Equal(t, int64(1), tr.local.Usage().Artifacts)
}

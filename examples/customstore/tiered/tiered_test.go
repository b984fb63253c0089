package tiered_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/examples/customstore/tiered"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/storage/storagetest"
)

const key = "team/0123abcd"

var md = storage.Metadata{Duration: 1500 * time.Millisecond, Tag: "tag", SHA: "sha", DirtyHash: "dirty"}

// newLocal returns an empty local tier in a temporary directory.
func newLocal(t testing.TB) *fsstore.Store {
	t.Helper()
	// time.Now records nanoseconds; the file system's clock ticks only every
	// few milliseconds, which would make fresh copies look stale.
	local, err := fsstore.Open(t.TempDir(), &fsstore.Options{Now: time.Now})
	require.NoError(t, err)
	t.Cleanup(func() { local.Close() })
	return local
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return tiered.New(memstore.New(nil), newLocal(t))
	})
}

func TestListerOnlyWhenRemoteLists(t *testing.T) {
	_, ok := tiered.New(memstore.New(nil), newLocal(t)).(storage.Lister)
	assert.True(t, ok, "over a remote that lists")
	_, ok = tiered.New(struct{ storage.Store }{memstore.New(nil)}, newLocal(t)).(storage.Lister)
	assert.False(t, ok, "over a remote that does not list")
}

func TestSecondGetIsServedLocally(t *testing.T) {
	remote, local := newRemote(), newLocal(t)
	s := tiered.New(remote, local)
	body := bytes.Repeat([]byte("artifact "), 100_000)
	require.NoError(t, s.Put(t.Context(), key, bytes.NewReader(body), int64(len(body)), md))

	first, firstInfo := read(t, s)
	second, secondInfo := read(t, s)

	assert.Equal(t, body, first)
	assert.Equal(t, body, second)
	assert.Equal(t, firstInfo, secondInfo, "a local copy reports the remote's Info")
	assert.Equal(t, int64(1), remote.gets.Load(), "remote Gets for two Gets of one artifact")
}

func TestRemoteOverwriteIsNeverHidden(t *testing.T) {
	tests := []struct {
		name string
		body string
		md   storage.Metadata
	}{
		{"same size and metadata", "second!", md},
		{"other size", "second artifact", md},
		{"other metadata", "second!", storage.Metadata{Tag: "other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			remote, local := newRemote(), newLocal(t)
			s := tiered.New(remote, local)
			require.NoError(t, s.Put(t.Context(), key, bytes.NewReader([]byte("first!!")), 7, md))
			read(t, s)
			_, err := local.Stat(t.Context(), key)
			require.NoError(t, err, "the first Get leaves a local copy")

			// Another writer replaces the artifact on the remote directly.
			require.NoError(t, remote.Put(t.Context(), key, bytes.NewReader([]byte(tt.body)), int64(len(tt.body)), tt.md))

			got, info := read(t, s)
			assert.Equal(t, tt.body, string(got))
			assert.Equal(t, tt.md, info.Metadata)
			assert.Equal(t, int64(2), remote.gets.Load(), "remote Gets")
		})
	}
}

func TestRemoteDeleteIsNeverHidden(t *testing.T) {
	remote, local := newRemote(), newLocal(t)
	s := tiered.New(remote, local)
	require.NoError(t, s.Put(t.Context(), key, bytes.NewReader([]byte("first")), 5, md))
	read(t, s)
	require.NoError(t, remote.Delete(t.Context(), key))

	_, _, err := s.Get(t.Context(), key)
	require.ErrorIs(t, err, storage.ErrNotFound)
}

// An overwrite that lands while the old artifact is being copied makes the
// copy newer than the remote's artifact; the check after the copy removes it.
func TestOverwriteDuringCopyIsNeverHidden(t *testing.T) {
	remote, local := newRemote(), newLocal(t)
	s := tiered.New(remote, local)
	require.NoError(t, s.Put(t.Context(), key, bytes.NewReader([]byte("first!")), 6, md))
	remote.atEnd = func() {
		require.NoError(t, remote.Put(context.Background(), key, bytes.NewReader([]byte("second")), 6, md))
	}

	got, _ := read(t, s)
	assert.Equal(t, "first!", string(got), "the Get that started before the overwrite")
	got, _ = read(t, s)
	assert.Equal(t, "second", string(got), "the Get after the overwrite")
}

func TestEarlyCloseStoresNothingPartial(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	tests := []struct {
		name   string
		read   int64
		stored bool
	}{
		{"nothing read", 0, false},
		{"half read", int64(len(body) / 2), false},
		{"all but one byte read", int64(len(body) - 1), false},
		// io.CopyN, as HTTP handlers use, never reads the end of file.
		{"every byte read, end of file not", int64(len(body)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local := newLocal(t)
			s := tiered.New(newRemote(), local)
			require.NoError(t, s.Put(t.Context(), key, bytes.NewReader(body), int64(len(body)), md))

			rc, _, err := s.Get(t.Context(), key)
			require.NoError(t, err)
			_, err = io.CopyN(io.Discard, rc, tt.read)
			require.NoError(t, err)
			require.NoError(t, rc.Close())

			// Close has waited for the copy: the local tier is settled.
			if !tt.stored {
				_, err := local.Stat(t.Context(), key)
				require.ErrorIs(t, err, storage.ErrNotFound)
				return
			}
			rc, _, err = local.Get(t.Context(), key)
			require.NoError(t, err)
			defer rc.Close()
			copied, err := io.ReadAll(rc)
			require.NoError(t, err)
			require.Equal(t, body, copied)
		})
	}
}

func TestRemoteFailureStoresNothing(t *testing.T) {
	remote, local := newRemote(), newLocal(t)
	s := tiered.New(remote, local)
	body := bytes.Repeat([]byte("x"), 1<<20)
	require.NoError(t, s.Put(t.Context(), key, bytes.NewReader(body), int64(len(body)), md))
	remote.failAfter = 300 << 10

	rc, _, err := s.Get(t.Context(), key)
	require.NoError(t, err)
	n, err := io.Copy(io.Discard, rc)
	require.ErrorIs(t, err, errBroken, "the caller sees the remote's failure")
	assert.Equal(t, remote.failAfter, n)
	require.NoError(t, rc.Close())

	_, err = local.Stat(t.Context(), key)
	require.ErrorIs(t, err, storage.ErrNotFound, "no local copy of a failed read")
}

func TestPutAndDeleteRemoveTheLocalCopy(t *testing.T) {
	tests := []struct {
		name   string
		change func(ctx context.Context, s storage.Store) error
	}{
		{"Put", func(ctx context.Context, s storage.Store) error {
			return s.Put(ctx, key, bytes.NewReader([]byte("second")), 6, md)
		}},
		{"Delete", func(ctx context.Context, s storage.Store) error { return s.Delete(ctx, key) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local := newLocal(t)
			s := tiered.New(newRemote(), local)
			require.NoError(t, s.Put(t.Context(), key, bytes.NewReader([]byte("first")), 5, md))
			read(t, s)
			require.NoError(t, tt.change(t.Context(), s))
			_, err := local.Stat(t.Context(), key)
			require.ErrorIs(t, err, storage.ErrNotFound)
		})
	}
}

// read reads the whole artifact stored under key in s.
func read(t *testing.T, s storage.Store) ([]byte, storage.Info) {
	t.Helper()
	rc, info, err := s.Get(t.Context(), key)
	require.NoError(t, err)
	defer func() { require.NoError(t, rc.Close()) }()
	body, err := io.ReadAll(rc)
	require.NoError(t, err)
	return body, info
}

package tiered_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/examples/customstore/tiered"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

// BenchmarkGet reads a 16 MiB artifact from the remote store alone, through
// the tier while it copies the artifact (a local miss), and through the tier
// from its local copy (a hit); local/put is the bare local Put a miss
// includes. The remote is in memory, so the copy's cost
// shows undiluted; a real remote is slower than the local disk.
func BenchmarkGet(b *testing.B) {
	const size = 16 << 20
	body := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	ctx := context.Background()
	remote := memstore.New(nil)
	require.NoError(b, remote.Put(ctx, key, bytes.NewReader(body), size, md))
	buf := make([]byte, 256<<10)

	get := func(b *testing.B, s storage.Store) {
		rc, _, err := s.Get(ctx, key)
		require.NoError(b, err)
		_, err = io.CopyBuffer(io.Discard, struct{ io.Reader }{rc}, buf)
		require.NoError(b, err)
		require.NoError(b, rc.Close())
	}
	b.Run("remote", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			get(b, remote)
		}
	})
	b.Run("tier/miss", func(b *testing.B) {
		local := newLocal(b)
		s := tiered.New(remote, local)
		b.SetBytes(size)
		for b.Loop() {
			b.StopTimer()
			require.NoError(b, local.Delete(ctx, key))
			b.StartTimer()
			get(b, s)
		}
	})
	b.Run("local/put", func(b *testing.B) {
		local := newLocal(b)
		b.SetBytes(size)
		for b.Loop() {
			require.NoError(b, local.Put(ctx, key, bytes.NewReader(body), size, md))
		}
	})
	b.Run("tier/hit", func(b *testing.B) {
		s := tiered.New(remote, newLocal(b))
		get(b, s)
		b.SetBytes(size)
		for b.Loop() {
			get(b, s)
		}
	})
}

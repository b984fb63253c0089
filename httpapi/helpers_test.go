package httpapi_test

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

// recorder is a Store that remembers the metadata of every successful Put.
type recorder struct {
	storage.Store

	mu   sync.Mutex
	puts map[string]storage.Metadata
}

func newRecorder(s storage.Store) *recorder {
	if s == nil {
		s = memstore.New(nil)
	}
	return &recorder{Store: s, puts: map[string]storage.Metadata{}}
}

func (r *recorder) Put(ctx context.Context, key string, body io.Reader, size int64, md storage.Metadata) error {
	err := r.Store.Put(ctx, key, body, size, md)
	if err == nil {
		r.mu.Lock()
		r.puts[key] = md
		r.mu.Unlock()
	}
	return err
}

// durations maps the hashes uploaded for team to their durations in ms.
func (r *recorder) durations(team string) map[string]int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int64{}
	for key, md := range r.puts {
		if hash, ok := strings.CutPrefix(key, team+"/"); ok {
			out[hash] = md.Duration.Milliseconds()
		}
	}
	return out
}

func (r *recorder) putCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.puts)
}

// keys lists every key in a store that is a Lister.
func keys(t *testing.T, s storage.Store) []string {
	t.Helper()
	l, ok := s.(storage.Lister)
	require.True(t, ok, "%T is not a Lister", s)
	var out []string
	for obj, err := range l.List(t.Context(), "") {
		require.NoError(t, err)
		out = append(out, obj.Key)
	}
	return out
}

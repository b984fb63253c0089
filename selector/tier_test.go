package selector_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/selector"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/tiered"
)

func TestFromEnvLocalCache(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want *selector.LocalCache
		err  string
	}{
		{"unset", nil, nil, ""},
		{"dir", map[string]string{"LOCAL_CACHE_DIR": "/var/cache/tier"},
			&selector.LocalCache{Dir: "/var/cache/tier", Write: tiered.WriteBack}, ""},
		{"all", map[string]string{"LOCAL_CACHE_DIR": "/t", "LOCAL_CACHE_MAX_SIZE": "50GiB", "LOCAL_CACHE_WRITE": "through"},
			&selector.LocalCache{Dir: "/t", MaxSize: 50 << 30, Write: tiered.WriteThrough}, ""},
		{"TiB and back", map[string]string{"LOCAL_CACHE_DIR": "/t", "LOCAL_CACHE_MAX_SIZE": "2TiB", "LOCAL_CACHE_WRITE": "back"},
			&selector.LocalCache{Dir: "/t", MaxSize: 2 << 40, Write: tiered.WriteBack}, ""},
		{"no bound", map[string]string{"LOCAL_CACHE_DIR": "/t", "LOCAL_CACHE_MAX_SIZE": "0"},
			&selector.LocalCache{Dir: "/t", MaxSize: -1, Write: tiered.WriteBack}, ""},
		{"bad size", map[string]string{"LOCAL_CACHE_DIR": "/t", "LOCAL_CACHE_MAX_SIZE": "lots"}, nil, `LOCAL_CACHE_MAX_SIZE: "lots" is not a size`},
		{"bad mode", map[string]string{"LOCAL_CACHE_DIR": "/t", "LOCAL_CACHE_WRITE": "sideways"}, nil, `LOCAL_CACHE_WRITE="sideways" is neither back nor through`},
		{"size without dir", map[string]string{"LOCAL_CACHE_MAX_SIZE": "1GiB"}, nil, "need LOCAL_CACHE_DIR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := selector.FromEnv(lookup(tc.env))
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, cfg.LocalCache)
		})
	}
}

func TestOpenLocalCache(t *testing.T) {
	ctx := context.Background()
	kv := kvtest.Start(t, nil)
	dir := t.TempDir()
	cfg := &selector.Config{
		KV:         &kvstore.Config{AccountID: kv.AccountID, APIToken: kv.Token, NamespaceID: kv.NamespaceID, BaseURL: kv.URL},
		LocalCache: &selector.LocalCache{Dir: dir, MaxSize: 10 << 20},
	}
	sel, err := selector.Open(ctx, cfg)
	require.NoError(t, err)
	require.NotNil(t, sel.Tier)
	require.Same(t, sel.Tier, sel.Store)
	assert.Contains(t, sel.Reason, "local tier in "+dir+" (write-back, bound 10485760 bytes)")

	require.NoError(t, sel.Store.Put(ctx, "team/k", strings.NewReader("body"), 4, storage.Metadata{}))
	require.NoError(t, sel.Shutdown(ctx), "the upload drains")
	_, err = os.Stat(filepath.Join(dir, "artifacts", "team", "k"))
	require.NoError(t, err, "the uploaded artifact is in the local tier")

	// The artifact reached KV: a store without the tier reads it.
	plain, err := selector.Open(ctx, &selector.Config{KV: cfg.KV})
	require.NoError(t, err)
	defer plain.Close()
	require.Nil(t, plain.Tier)
	rc, _, err := plain.Store.Get(ctx, "team/k")
	require.NoError(t, err)
	got, _ := io.ReadAll(rc)
	rc.Close()
	require.Equal(t, "body", string(got))

	// A local directory gets no tier: it is local already.
	sel, err = selector.Open(ctx, &selector.Config{Dir: t.TempDir(), LocalCache: &selector.LocalCache{Dir: t.TempDir()}})
	require.NoError(t, err)
	defer sel.Close()
	require.Nil(t, sel.Tier)
}

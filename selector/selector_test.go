package selector_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/kvstore/kvtest"
	"github.com/turbocache/turbocache/r2store"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/selector"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/fsstore"
)

// Sections that open without contacting anything.
var (
	s3Section = &s3store.Config{Bucket: "b", Endpoint: "http://127.0.0.1:9", AccessKeyID: "id", SecretAccessKey: "s3-secret"}
	kvSection = &kvstore.Config{AccountID: "account", NamespaceID: "namespace", APIToken: "kv-secret", BaseURL: "http://127.0.0.1:9/client/v4"}
	r2Section = &r2store.Config{AccountID: strings.Repeat("a", 32), AccessKeyID: "id", SecretAccessKey: "r2-secret", Bucket: "b"}
)

func TestOpenPriority(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		cfg    selector.Config
		want   selector.Backend
		reason string
	}{
		{"nothing", selector.Config{Dir: dir}, selector.Dir, "no cloud backend is configured"},
		{"S3", selector.Config{S3: s3Section, Dir: dir}, selector.S3, "s3 is the only backend configured"},
		{"KV", selector.Config{KV: kvSection, Dir: dir}, selector.KV, "kv is the only backend configured"},
		{"R2", selector.Config{R2: r2Section, Dir: dir}, selector.R2, "r2 is the only backend configured"},
		{"S3 KV", selector.Config{S3: s3Section, KV: kvSection}, selector.S3, "s3 has priority over kv"},
		{"S3 R2", selector.Config{S3: s3Section, R2: r2Section}, selector.S3, "s3 has priority over r2"},
		{"KV R2", selector.Config{KV: kvSection, R2: r2Section}, selector.KV, "kv has priority over r2"},
		{"all", selector.Config{S3: s3Section, KV: kvSection, R2: r2Section, Dir: dir}, selector.S3, "s3 has priority over kv and r2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := selector.Open(context.Background(), &tc.cfg)
			require.NoError(t, err)
			assert.Equal(t, tc.want, sel.Backend)
			assert.Contains(t, sel.Reason, tc.reason)
			for _, secret := range []string{"s3-secret", "kv-secret", "r2-secret"} {
				assert.NotContains(t, sel.Reason, secret)
			}
			switch tc.want {
			case selector.Dir:
				assert.IsType(t, &fsstore.Store{}, sel.Store)
			case selector.KV:
				assert.IsType(t, &kvstore.Store{}, sel.Store)
			default:
				assert.IsType(t, &s3store.Store{}, sel.Store)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	_, err := selector.Open(context.Background(), &selector.Config{})
	assert.ErrorContains(t, err, "Config.Dir is empty")
	_, err = selector.Open(context.Background(), nil)
	assert.ErrorContains(t, err, "Config.Dir is empty")

	_, err = selector.Open(context.Background(), &selector.Config{S3: &s3store.Config{}})
	assert.ErrorContains(t, err, "opening the s3 store")
	assert.ErrorContains(t, err, "Bucket")
}

func TestNeedsSweep(t *testing.T) {
	for _, tc := range []struct {
		cfg  selector.Config
		want bool
	}{
		{selector.Config{Dir: t.TempDir(), Expiration: time.Hour}, true},
		{selector.Config{Dir: t.TempDir()}, false},
		{selector.Config{S3: s3Section, Expiration: time.Hour}, true},
		{selector.Config{R2: r2Section, Expiration: time.Hour}, true},
		{selector.Config{KV: kvSection, Expiration: time.Hour}, false},
	} {
		sel, err := selector.Open(context.Background(), &tc.cfg)
		require.NoError(t, err)
		assert.Equal(t, tc.want, sel.NeedsSweep, "%s with expiration %v", sel.Backend, tc.cfg.Expiration)
	}
}

// TestKVExpiration shows that KV writes carry the expiration as their time
// to live: once the KV server's clock passes it, the artifact is gone.
func TestKVExpiration(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().Unix())
	kv := kvtest.Start(t, &kvtest.Options{Now: func() time.Time { return time.Unix(now.Load(), 0) }})
	cfg, err := selector.FromEnv(lookup(map[string]string{
		"CLOUDFLARE_ACCOUNT_ID": kv.AccountID, "CLOUDFLARE_API_TOKEN": kv.Token,
		"KV_NAMESPACE_ID": kv.NamespaceID, "CLOUDFLARE_API_URL": kv.URL,
		"BUCKET_OBJECT_EXPIRATION_HOURS": "2",
	}))
	require.NoError(t, err)
	sel, err := selector.Open(context.Background(), cfg)
	require.NoError(t, err)
	require.Equal(t, selector.KV, sel.Backend)

	ctx := context.Background()
	require.NoError(t, sel.Store.Put(ctx, "web/abc", strings.NewReader("artifact"), 8, storage.Metadata{}))
	now.Add(int64((2*time.Hour - time.Minute) / time.Second))
	_, err = sel.Store.Stat(ctx, "web/abc")
	require.NoError(t, err, "a minute before it expires")
	now.Add(int64(2 * time.Minute / time.Second))
	_, err = sel.Store.Stat(ctx, "web/abc")
	assert.ErrorIs(t, err, storage.ErrNotFound, "a minute after it expired")
}

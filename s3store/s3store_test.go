package s3store_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// servers holds one S3 server per scheme for the whole package.
var servers s3test.Pool

func TestMain(m *testing.M) {
	code := m.Run()
	servers.Close()
	os.Exit(code)
}

// openStore opens a Store on a new bucket of srv, or on cfg.Bucket when
// it is set.
func openStore(t testing.TB, srv *s3test.Server, cfg s3store.Config) *s3store.Store {
	t.Helper()
	if cfg.Bucket == "" {
		cfg.Bucket = srv.NewBucket(t)
	}
	cfg.Region = srv.Region
	cfg.Endpoint = srv.Endpoint
	cfg.UsePathStyle = true
	cfg.AccessKeyID = srv.AccessKeyID
	cfg.SecretAccessKey = srv.SecretAccessKey
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = srv.HTTPClient
	}
	s, err := s3store.Open(context.Background(), cfg)
	require.NoError(t, err)
	return s
}

func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		tls  bool
		cfg  s3store.Config
	}{
		{"HTTP/SDKDefaultChecksums", false, s3store.Config{Options: s3store.Options{Checksum: s3store.ChecksumWhenSupported}}},
		{"HTTP/WhenRequired", false, s3store.Config{Options: s3store.Options{Checksum: s3store.ChecksumWhenRequired}}},
		{"HTTPS/SDKDefaultChecksums", true, s3store.Config{Options: s3store.Options{Checksum: s3store.ChecksumWhenSupported}}},
		{"HTTPS/WhenRequired", true, s3store.Config{Options: s3store.Options{Checksum: s3store.ChecksumWhenRequired}}},
		{"HTTPS/Prefix", true, s3store.Config{Options: s3store.Options{Prefix: "turbo/cache", PartSize: s3store.MinPartSize, Concurrency: 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := servers.Get(t, s3test.Options{TLS: tc.tls})
			storagetest.Run(t, func(t *testing.T) storage.Store {
				return openStore(t, srv, tc.cfg)
			})
		})
	}
}

// TestPersistence opens the same bucket (and prefix) again.
func TestPersistence(t *testing.T) {
	srv := servers.Get(t, s3test.Options{})
	storagetest.RunPersistence(t, func(t *testing.T) func(t *testing.T) storage.Store {
		cfg := s3store.Config{Bucket: srv.NewBucket(t), Options: s3store.Options{Prefix: "turbo"}}
		return func(t *testing.T) storage.Store { return openStore(t, srv, cfg) }
	})
}

package r2store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/r2store"
	"github.com/turbocache/turbocache/s3store"
)

const account = "0123456789abcdef0123456789abcdef"

func TestConfig(t *testing.T) {
	valid := r2store.Config{AccountID: account, AccessKeyID: "id", SecretAccessKey: "secret", Bucket: "cache"}
	for _, tc := range []struct {
		name      string
		edit      func(c *r2store.Config)
		field     string // named in the error; "" for a valid config
		endpoint  string
		jurisdict string
	}{
		{"Valid", func(*r2store.Config) {}, "", "https://" + account + ".r2.cloudflarestorage.com", ""},
		{"EU", func(c *r2store.Config) { c.Jurisdiction = "eu" }, "", "https://" + account + ".eu.r2.cloudflarestorage.com", "eu"},
		{"FedRAMP", func(c *r2store.Config) { c.Jurisdiction = "fedramp" }, "", "https://" + account + ".fedramp.r2.cloudflarestorage.com", "fedramp"},
		{"EndpointOverride", func(c *r2store.Config) { c.AccountID, c.Endpoint = "", "https://r2.example.com" }, "", "https://r2.example.com", ""},
		{"NoAccount", func(c *r2store.Config) { c.AccountID = "" }, "Config.AccountID", "", ""},
		{"BadAccount", func(c *r2store.Config) { c.AccountID = "acct.evil.com/x" }, "Config.AccountID", "", ""},
		{"NoKeyID", func(c *r2store.Config) { c.AccessKeyID = "" }, "Config.AccessKeyID", "", ""},
		{"NoSecret", func(c *r2store.Config) { c.SecretAccessKey = "" }, "Config.SecretAccessKey", "", ""},
		{"NoBucket", func(c *r2store.Config) { c.Bucket = "" }, "Config.Bucket", "", ""},
		{"BadJurisdiction", func(c *r2store.Config) { c.Jurisdiction = "mars" }, "Config.Jurisdiction", "", ""},
		{"BadPrefix", func(c *r2store.Config) { c.Prefix = "../up" }, "Config.Prefix", "", ""},
		{"BadEndpoint", func(c *r2store.Config) { c.Endpoint = "ftp://x" }, "Config.Endpoint", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := valid
			tc.edit(&cfg)
			_, err := r2store.Open(context.Background(), cfg)
			if tc.field != "" {
				require.ErrorContains(t, err, tc.field)
				return
			}
			require.NoError(t, err)
			s3cfg, err := r2store.S3Config(cfg)
			require.NoError(t, err)
			require.Equal(t, tc.endpoint, s3cfg.Endpoint)
			require.Equal(t, "auto", s3cfg.Region)
			require.Equal(t, s3store.ChecksumWhenRequired, s3cfg.Checksum)
			require.Equal(t, int64(r2store.PartSize), s3cfg.PartSize)
			require.Equal(t, cfg.AccessKeyID, s3cfg.AccessKeyID, "static credentials only")
		})
	}
}

// The s3store options pass through, with R2's defaults where they are zero.
func TestOptions(t *testing.T) {
	cfg := r2store.Config{AccountID: strings.Repeat("a", 32), AccessKeyID: "id", SecretAccessKey: "secret", Bucket: "cache",
		Options: s3store.Options{Prefix: "turbo", PartSize: 16 << 20, Concurrency: 3, Checksum: s3store.ChecksumWhenSupported, UploadMemory: 64 << 20}}
	s3cfg, err := r2store.S3Config(cfg)
	require.NoError(t, err)
	require.Equal(t, cfg.Options, s3cfg.Options)

	_, err = r2store.Open(context.Background(), r2store.Config{AccountID: strings.Repeat("a", 32), AccessKeyID: "id",
		SecretAccessKey: "secret", Bucket: "cache", Options: s3store.Options{PartSize: 1 << 20}})
	require.ErrorContains(t, err, "Config.PartSize 1048576 is below S3's minimum")
}

// Ambient AWS settings must not reach an R2 store.
func TestIgnoresAmbientAWSSettings(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "ambient-id")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "ambient-secret")
	t.Setenv("AWS_REGION", "eu-west-3")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:1")
	srv := servers.Get(t, r2Server)
	s := openStore(t, srv, srv.HTTPClient)
	exercise(t, s)
}

func TestEndpointFor(t *testing.T) {
	const account = "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct{ jurisdiction, want string }{
		{"", "https://" + account + ".r2.cloudflarestorage.com"},
		{"eu", "https://" + account + ".eu.r2.cloudflarestorage.com"},
	} {
		t.Run(tc.jurisdiction, func(t *testing.T) {
			require.Equal(t, tc.want, r2store.EndpointFor(account, tc.jurisdiction))
		})
	}
}

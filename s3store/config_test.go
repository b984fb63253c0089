package s3store_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
)

func TestConfigValidation(t *testing.T) {
	valid := s3store.Config{Bucket: "cache", AccessKeyID: "id", SecretAccessKey: "secret"}
	for _, tc := range []struct {
		name  string
		edit  func(c *s3store.Config)
		field string // named in the error; "" when the config is valid
	}{
		{"Valid", func(*s3store.Config) {}, ""},
		{"ValidEndpoint", func(c *s3store.Config) { c.Endpoint, c.UsePathStyle = "https://s3.example.com:9000", true }, ""},
		{"ValidPrefixWithSlash", func(c *s3store.Config) { c.Prefix = "turbo/cache/" }, ""},
		{"ValidDefaultCredentialChain", func(c *s3store.Config) { c.AccessKeyID, c.SecretAccessKey = "", "" }, ""},
		{"ValidTuning", func(c *s3store.Config) { c.PartSize, c.Concurrency = 16<<20, 8 }, ""},
		{"NoBucket", func(c *s3store.Config) { c.Bucket = "" }, "Config.Bucket"},
		{"BucketWithSlash", func(c *s3store.Config) { c.Bucket = "a/b" }, "Config.Bucket"},
		{"KeyIDWithoutSecret", func(c *s3store.Config) { c.SecretAccessKey = "" }, "Config.SecretAccessKey"},
		{"SecretWithoutKeyID", func(c *s3store.Config) { c.AccessKeyID = "" }, "Config.AccessKeyID"},
		{"TokenWithoutKeys", func(c *s3store.Config) { c.AccessKeyID, c.SecretAccessKey, c.SessionToken = "", "", "t" }, "Config.SessionToken"},
		{"EndpointNotURL", func(c *s3store.Config) { c.Endpoint = "s3.example.com" }, "Config.Endpoint"},
		{"EndpointBadScheme", func(c *s3store.Config) { c.Endpoint = "ftp://s3.example.com" }, "Config.Endpoint"},
		{"PrefixEscapes", func(c *s3store.Config) { c.Prefix = "../other" }, "Config.Prefix"},
		{"PrefixBadByte", func(c *s3store.Config) { c.Prefix = "a b" }, "Config.Prefix"},
		{"PartTooSmall", func(c *s3store.Config) { c.PartSize = 1 << 20 }, "Config.PartSize"},
		{"PartTooLarge", func(c *s3store.Config) { c.PartSize = 6 << 30 }, "Config.PartSize"},
		{"NegativeConcurrency", func(c *s3store.Config) { c.Concurrency = -1 }, "Config.Concurrency"},
		{"UnknownChecksum", func(c *s3store.Config) { c.Checksum = 7 }, "Config.Checksum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := valid
			tc.edit(&cfg)
			s, err := s3store.Open(context.Background(), cfg)
			if tc.field == "" {
				require.NoError(t, err)
				require.Equal(t, cfg.Bucket, s.Bucket())
				return
			}
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.field)
		})
	}
}

func TestNewValidation(t *testing.T) {
	client := s3.New(s3.Options{Region: "us-east-1"})
	_, err := s3store.New(nil, "b", nil)
	require.ErrorContains(t, err, "client")
	_, err = s3store.New(client, "", nil)
	require.ErrorContains(t, err, "bucket")
	_, err = s3store.New(client, "b", &s3store.Options{PartSize: 1})
	require.ErrorContains(t, err, "Options.PartSize")
	s, err := s3store.New(client, "b", nil)
	require.NoError(t, err)
	require.Equal(t, "b", s.Bucket())
}

// headerLog records whether any request carried checksum headers.
type headerLog struct {
	next      http.RoundTripper
	mu        sync.Mutex
	requests  int
	checksums []string
}

func (l *headerLog) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.requests++
	for name, v := range req.Header {
		if strings.HasPrefix(strings.ToLower(name), "x-amz-checksum-") || strings.Contains(strings.Join(v, ","), "aws-chunked") {
			l.checksums = append(l.checksums, req.Method+" "+name)
		}
	}
	l.mu.Unlock()
	return l.next.RoundTrip(req)
}

// TestChecksumModes checks the checksum setting reaches every request,
// uploads of several parts included, for a client made by Open and for one
// passed to New.
func TestChecksumModes(t *testing.T) {
	srv := servers.Get(t, s3test.Options{TLS: true})
	const size = 2*s3store.MinPartSize + 1
	for _, tc := range []struct {
		name      string
		viaNew    bool
		mode      s3store.ChecksumMode
		checksums bool
	}{
		{"OpenAutoWithEndpoint", false, s3store.ChecksumAuto, false},
		{"OpenWhenSupported", false, s3store.ChecksumWhenSupported, true},
		{"OpenWhenRequired", false, s3store.ChecksumWhenRequired, false},
		{"NewAutoKeepsClientDefault", true, s3store.ChecksumAuto, true},
		{"NewWhenRequired", true, s3store.ChecksumWhenRequired, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &headerLog{}
			httpClient := srv.NewHTTPClient(func(next http.RoundTripper) http.RoundTripper {
				log.next = next
				return log
			})
			var s *s3store.Store
			if tc.viaNew {
				client := srv.Client(func(o *s3.Options) { o.HTTPClient = httpClient })
				var err error
				s, err = s3store.New(client, srv.NewBucket(t), &s3store.Options{PartSize: s3store.MinPartSize, Checksum: tc.mode})
				require.NoError(t, err)
			} else {
				s = openStore(t, srv, s3store.Config{HTTPClient: httpClient, Options: s3store.Options{PartSize: s3store.MinPartSize, Checksum: tc.mode}})
			}
			ctx := context.Background()
			body := bytes.Repeat([]byte("z"), size)
			require.NoError(t, s.Put(ctx, "team/k", bytes.NewReader(body), size, storage.Metadata{}))
			rc, _, err := s.Get(ctx, "team/k")
			require.NoError(t, err)
			got, err := io.ReadAll(rc)
			rc.Close()
			require.NoError(t, err)
			require.Equal(t, body, got)
			if tc.checksums {
				require.NotEmpty(t, log.checksums, "no request carried checksums")
			} else {
				require.Empty(t, log.checksums, "requests carried checksums")
			}
			t.Logf("%d requests, %d with checksums", log.requests, len(log.checksums))
		})
	}
}

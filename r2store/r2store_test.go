package r2store_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/r2store"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// servers holds the package's S3 server, which signs for region "auto" as
// R2 does.
var servers s3test.Pool

var r2Server = s3test.Options{TLS: true, Region: r2store.Region}

func TestMain(m *testing.M) {
	code := m.Run()
	servers.Close()
	os.Exit(code)
}

// openStore opens an R2 store on a new bucket of srv, sending through client.
func openStore(t testing.TB, srv *s3test.Server, client *http.Client) *s3store.Store {
	t.Helper()
	s, err := r2store.Open(context.Background(), r2store.Config{
		AccessKeyID:     srv.AccessKeyID,
		SecretAccessKey: srv.SecretAccessKey,
		Bucket:          srv.NewBucket(t),
		Endpoint:        srv.Endpoint,
		HTTPClient:      client,
	})
	require.NoError(t, err)
	return s
}

func TestConformance(t *testing.T) {
	srv := servers.Get(t, r2Server)
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return openStore(t, srv, srv.HTTPClient)
	})
}

// recorder keeps the headers of every request sent through it.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	what   string
	header http.Header
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{req.Method + " " + req.URL.RequestURI(), req.Header.Clone()})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// checksumHeaders lists what in a request shows checksums or aws-chunked
// framing.
func checksumHeaders(h http.Header) []string {
	var found []string
	for name, values := range h {
		lower := strings.ToLower(name)
		v := strings.Join(values, ",")
		switch {
		case strings.HasPrefix(lower, "x-amz-checksum-"),
			lower == "x-amz-sdk-checksum-algorithm",
			lower == "x-amz-trailer",
			lower == "x-amz-decoded-content-length",
			lower == "content-encoding" && strings.Contains(v, "aws-chunked"),
			lower == "x-amz-content-sha256" && strings.HasPrefix(v, "STREAMING-"):
			found = append(found, name+": "+v)
		}
	}
	return found
}

// exercise makes every kind of call a store makes, with bodies of one part
// and of several.
func exercise(t *testing.T, s storage.Store) {
	ctx := context.Background()
	md := storage.Metadata{Tag: strings.Repeat("t", 600), SHA: "abc", DirtyHash: "d"}
	for _, size := range []int{10, 2*r2store.PartSize + 1} {
		body := bytes.Repeat([]byte{'x'}, size)
		require.NoError(t, s.Put(ctx, "team/h", bytes.NewReader(body), int64(size), md))
		rc, info, err := s.Get(ctx, "team/h")
		require.NoError(t, err)
		got, err := io.ReadAll(rc)
		rc.Close()
		require.NoError(t, err)
		require.Equal(t, body, got)
		require.Equal(t, md, info.Metadata)
		_, err = s.Stat(ctx, "team/h")
		require.NoError(t, err)
	}
	for _, err := range s.(storage.Lister).List(ctx, "") {
		require.NoError(t, err)
	}
	require.NoError(t, s.Delete(ctx, "team/h"))
}

func TestNoChecksumsByDefault(t *testing.T) {
	srv := servers.Get(t, r2Server)

	t.Run("R2", func(t *testing.T) {
		rec := &recorder{}
		s := openStore(t, srv, srv.NewHTTPClient(func(next http.RoundTripper) http.RoundTripper {
			rec.next = next
			return rec
		}))
		exercise(t, s)
		require.NotEmpty(t, rec.reqs)
		for _, r := range rec.reqs {
			require.Empty(t, checksumHeaders(r.header), "request %s", r.what)
			require.Empty(t, r.header.Get("X-Amz-Checksum-Mode"), "request %s asks for response checksums", r.what)
		}
		t.Logf("%d requests, none with checksum headers or aws-chunked framing", len(rec.reqs))
	})

	// The same recorder does see checksums when the SDK's defaults apply,
	// so the check above can fail.
	t.Run("SDKDefaultsForContrast", func(t *testing.T) {
		rec := &recorder{}
		cfg, err := r2store.S3Config(r2store.Config{
			AccessKeyID: srv.AccessKeyID, SecretAccessKey: srv.SecretAccessKey,
			Bucket: srv.NewBucket(t), Endpoint: srv.Endpoint,
			HTTPClient: srv.NewHTTPClient(func(next http.RoundTripper) http.RoundTripper {
				rec.next = next
				return rec
			}),
		})
		require.NoError(t, err)
		cfg.Checksum = s3store.ChecksumWhenSupported
		s, err := s3store.Open(context.Background(), cfg)
		require.NoError(t, err)
		exercise(t, s)
		var withChecksums int
		for _, r := range rec.reqs {
			if len(checksumHeaders(r.header)) > 0 {
				withChecksums++
			}
		}
		require.NotZero(t, withChecksums, "the SDK's default checksums were not seen")
	})
}

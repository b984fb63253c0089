package s3test_test

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/s3test"
)

var servers s3test.Pool

func TestMain(m *testing.M) {
	code := m.Run()
	servers.Close()
	os.Exit(code)
}

func TestServer(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts s3test.Options
	}{
		{"http", s3test.Options{}},
		{"https", s3test.Options{TLS: true}},
		{"https-region-auto", s3test.Options{TLS: true, Region: "auto"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := servers.Get(t, tc.opts)
			require.Same(t, srv, servers.Get(t, tc.opts), "one server per options")
			if srv.Controllable() {
				require.Equal(t, tc.opts.TLS, strings.HasPrefix(srv.Endpoint, "https://"))
			}
			bucket := srv.NewBucket(t)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			client := srv.Client()
			_, err := client.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String(bucket), Key: aws.String("a/b"), Body: strings.NewReader("hello"),
			})
			require.NoError(t, err)
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("a/b")})
			require.NoError(t, err)
			body, err := io.ReadAll(out.Body)
			out.Body.Close()
			require.NoError(t, err)
			require.Equal(t, "hello", string(body))
			objects, uploads, err := srv.Leftovers(ctx, bucket)
			require.NoError(t, err)
			require.Equal(t, []string{"a/b"}, objects)
			require.Empty(t, uploads)
		})
	}
}

func TestStopStart(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	bucket := srv.NewBucket(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := srv.Client(func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	head := func() error {
		_, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
		return err
	}
	require.NoError(t, head())
	srv.Stop()
	require.Error(t, head())
	require.NoError(t, srv.Start(ctx))
	require.NoError(t, head(), "data and address survive a restart")
}

package s3store_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/storagetest"
)

// benchSize is the artifact size of the transfer benchmarks.
const benchSize = 100 << 20

// BenchmarkTransfer moves 100 MiB through a Store and, for comparison, with
// one bare SDK call (PutObject of an in-memory body, GetObject) to the same
// server with the same checksum settings.
//
//	go test -run '^$' -bench Transfer -benchtime 3x ./s3store/
func BenchmarkTransfer(b *testing.B) {
	srv := servers.Get(b, s3test.Options{})
	data := bytes.Repeat([]byte("0123456789abcdef"), benchSize/16)
	ctx := context.Background()
	s := openStore(b, srv, s3store.Config{Options: s3store.Options{Checksum: s3store.ChecksumWhenRequired}})
	client := srv.Client(func(o *s3.Options) {
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	bucket := s.Bucket()
	// The Gets read these, whichever benchmarks -bench selects.
	require.NoError(b, s.Put(ctx, "team/bench", bytes.NewReader(data), benchSize, storage.Metadata{}))
	_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("bare"), Body: bytes.NewReader(data)})
	require.NoError(b, err)

	b.Run("Put/Store", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			// A plain io.Reader, as a server's request body is.
			r := struct{ io.Reader }{bytes.NewReader(data)}
			require.NoError(b, s.Put(ctx, "team/bench", r, benchSize, storage.Metadata{}))
		}
	})
	file := filepath.Join(b.TempDir(), "artifact")
	require.NoError(b, os.WriteFile(file, data, 0o600))
	b.Run("Put/StoreFile", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			f, err := os.Open(file)
			require.NoError(b, err)
			require.NoError(b, s.Put(ctx, "team/bench", f, benchSize, storage.Metadata{}))
			f.Close()
		}
	})
	big := openStore(b, srv, s3store.Config{Options: s3store.Options{Checksum: s3store.ChecksumWhenRequired, PartSize: 32 << 20}})
	b.Run("Put/Store32MiBParts", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			r := struct{ io.Reader }{bytes.NewReader(data)}
			require.NoError(b, big.Put(ctx, "team/bench", r, benchSize, storage.Metadata{}))
		}
	})
	b.Run("Put/BareSDK", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			_, err := client.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String(bucket), Key: aws.String("bare"), Body: bytes.NewReader(data),
			})
			require.NoError(b, err)
		}
	})
	b.Run("Get/Store", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			rc, _, err := s.Get(ctx, "team/bench")
			require.NoError(b, err)
			n, err := io.Copy(io.Discard, rc)
			rc.Close()
			require.NoError(b, err)
			require.Equal(b, int64(benchSize), n)
		}
	})
	b.Run("Get/BareSDK", func(b *testing.B) {
		b.SetBytes(benchSize)
		for b.Loop() {
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("bare")})
			require.NoError(b, err)
			n, err := io.Copy(io.Discard, out.Body)
			out.Body.Close()
			require.NoError(b, err)
			require.Equal(b, int64(benchSize), n)
		}
	})
}

// BenchmarkStore runs the shared benchmarks, the same as every driver's.
func BenchmarkStore(b *testing.B) {
	srv := servers.Get(b, s3test.Options{})
	storagetest.Benchmark(b, func(b *testing.B) storage.Store {
		return openStore(b, srv, s3store.Config{Options: s3store.Options{Checksum: s3store.ChecksumWhenRequired}})
	})
}

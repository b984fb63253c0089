package usage_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/s3store"
	"github.com/turbocache/turbocache/storage"
)

// TestReplicasS3 runs two replicas, each with its own client, over one
// bucket of a real S3 server (versitygw): each shows the sum of both.
func TestReplicasS3(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	bucket := srv.NewBucket(t)
	open := func() storage.Store {
		s, err := s3store.Open(context.Background(), s3store.Config{
			Bucket: bucket, Region: srv.Region, Endpoint: srv.Endpoint, UsePathStyle: true,
			AccessKeyID: srv.AccessKeyID, SecretAccessKey: srv.SecretAccessKey, HTTPClient: srv.HTTPClient,
		})
		require.NoError(t, err)
		return s
	}
	checkReplicasOver(t, open(), open())
}

package s3store_test

import (
	"testing"

	"github.com/turbocache/turbocache/internal/redacttest"
	"github.com/turbocache/turbocache/s3store"
)

// TestConfigRedacted prints a Config in every way a program might: the
// secrets never appear, the other fields do.
func TestConfigRedacted(t *testing.T) {
	cfg := s3store.Config{Bucket: "the-bucket", AccessKeyID: "AKIDPUBLIC", SecretAccessKey: "s3-secret-key", SessionToken: "s3-session-token"}
	redacttest.Check(t, cfg, []string{"s3-secret-key", "s3-session-token"}, "the-bucket")
}

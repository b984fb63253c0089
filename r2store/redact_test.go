package r2store_test

import (
	"testing"

	"github.com/turbocache/turbocache/internal/redacttest"
	"github.com/turbocache/turbocache/r2store"
)

// TestConfigRedacted prints a Config in every way a program might: the
// secret never appears, the other fields do.
func TestConfigRedacted(t *testing.T) {
	cfg := r2store.Config{AccountID: "0123456789abcdef0123456789abcdef", AccessKeyID: "AKIDPUBLIC", SecretAccessKey: "r2-secret-key", Bucket: "the-bucket"}
	redacttest.Check(t, cfg, []string{"r2-secret-key"}, "the-bucket")
}

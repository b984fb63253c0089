package kvstore_test

import (
	"testing"

	"github.com/turbocache/turbocache/internal/redacttest"
	"github.com/turbocache/turbocache/kvstore"
)

// TestConfigRedacted prints a Config in every way a program might: the
// API token never appears, the other fields do.
func TestConfigRedacted(t *testing.T) {
	cfg := kvstore.Config{AccountID: "acct", NamespaceID: "ns", APIToken: "kv-api-token", BaseURL: "http://127.0.0.1:1", PartSize: 1 << 20}
	redacttest.Check(t, cfg, []string{"kv-api-token"}, "acct")
}

package kvstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/kvstore"
)

func TestConfigValidation(t *testing.T) {
	good := kvstore.Config{AccountID: "0123abcd", NamespaceID: "ns_1", APIToken: "s3cret-token"}
	for _, tc := range []struct {
		name  string
		edit  func(c *kvstore.Config)
		field string // "" means valid
	}{
		{"defaults", func(*kvstore.Config) {}, ""},
		{"no account", func(c *kvstore.Config) { c.AccountID = "" }, "AccountID"},
		{"account with slash", func(c *kvstore.Config) { c.AccountID = "a/../b" }, "AccountID"},
		{"no namespace", func(c *kvstore.Config) { c.NamespaceID = "" }, "NamespaceID"},
		{"no token", func(c *kvstore.Config) { c.APIToken = "" }, "APIToken"},
		{"relative base URL", func(c *kvstore.Config) { c.BaseURL = "api.example/v4" }, "BaseURL"},
		{"ftp base URL", func(c *kvstore.Config) { c.BaseURL = "ftp://host/x" }, "BaseURL"},
		{"TTL under a minute", func(c *kvstore.Config) { c.TTL = 30 * time.Second }, "TTL"},
		{"TTL of a minute", func(c *kvstore.Config) { c.TTL = time.Minute }, ""},
		{"part too small", func(c *kvstore.Config) { c.PartSize = 100 }, "PartSize"},
		{"part too large", func(c *kvstore.Config) { c.PartSize = kvstore.MaxValueSize }, "PartSize"},
		{"largest part", func(c *kvstore.Config) { c.PartSize = kvstore.MaxPartSize }, ""},
		{"negative retry", func(c *kvstore.Config) { c.Retry = &kvstore.RetryPolicy{MaxAttempts: -1} }, "Retry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			_, err := kvstore.Open(c)
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, "config: "+tc.field+" ")
			require.NotContains(t, err.Error(), "s3cret")
		})
	}
}

func TestConfigHidesToken(t *testing.T) {
	c := kvstore.Config{AccountID: "a", NamespaceID: "n", APIToken: "s3cret-token"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		require.NotContains(t, fmt.Sprintf(format, c), "s3cret", format)
	}
}

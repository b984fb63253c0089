package r2store

import (
	"fmt"
	"log/slog"
)

func redact(secret string) string {
	if secret == "" {
		return ""
	}
	return "[redacted]"
}

// String describes c with SecretAccessKey redacted, so that printing a
// Config with %v or %+v, or in an error, shows no secret.
func (c Config) String() string {
	return fmt.Sprintf("r2store.Config{AccountID:%q AccessKeyID:%q SecretAccessKey:%q Bucket:%q Jurisdiction:%q Endpoint:%q Prefix:%q Concurrency:%d}",
		c.AccountID, c.AccessKeyID, redact(c.SecretAccessKey), c.Bucket, c.Jurisdiction, c.Endpoint, c.Prefix, c.Concurrency)
}

// GoString is String, so that %#v shows no secret either.
func (c Config) GoString() string { return c.String() }

// LogValue logs c as a group with its secret redacted; without it, a JSON
// log handler would write every exported field.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("account_id", c.AccountID), slog.String("access_key_id", c.AccessKeyID),
		slog.String("secret_access_key", redact(c.SecretAccessKey)), slog.String("bucket", c.Bucket),
		slog.String("jurisdiction", c.Jurisdiction), slog.String("endpoint", c.Endpoint),
		slog.String("prefix", c.Prefix), slog.Int("concurrency", c.Concurrency))
}

package s3store

import (
	"fmt"
	"log/slog"
)

// redacted stands for a secret that is set.
const redacted = "[redacted]"

func redact(secret string) string {
	if secret == "" {
		return ""
	}
	return redacted
}

// String describes c with SecretAccessKey and SessionToken redacted, so
// that printing a Config with %v or %+v, or in an error, shows no secret.
func (c Config) String() string {
	return fmt.Sprintf("s3store.Config{Bucket:%q Region:%q Endpoint:%q UsePathStyle:%t AccessKeyID:%q SecretAccessKey:%q SessionToken:%q Prefix:%q PartSize:%d Concurrency:%d Checksum:%v}",
		c.Bucket, c.Region, c.Endpoint, c.UsePathStyle, c.AccessKeyID, redact(c.SecretAccessKey), redact(c.SessionToken),
		c.Prefix, c.PartSize, c.Concurrency, c.Checksum)
}

// GoString is String, so that %#v shows no secret either.
func (c Config) GoString() string { return c.String() }

// LogValue logs c as a group with its secrets redacted; without it, a
// JSON log handler would write every exported field.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("bucket", c.Bucket), slog.String("region", c.Region), slog.String("endpoint", c.Endpoint),
		slog.Bool("use_path_style", c.UsePathStyle), slog.String("access_key_id", c.AccessKeyID),
		slog.String("secret_access_key", redact(c.SecretAccessKey)), slog.String("session_token", redact(c.SessionToken)),
		slog.String("prefix", c.Prefix), slog.Int64("part_size", c.PartSize), slog.Int("concurrency", c.Concurrency))
}

package kvstore

import "log/slog"

// LogValue logs c as a group without its API token; without it, a JSON log
// handler would write every exported field, the token included.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("account_id", c.AccountID), slog.String("namespace_id", c.NamespaceID),
		slog.String("api_token", redact(c.APIToken)), slog.String("base_url", c.BaseURL),
		slog.Duration("ttl", c.TTL), slog.Int("part_size", c.PartSize))
}

package kvstore

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// DefaultBaseURL is the Cloudflare API that Config.BaseURL defaults to.
const DefaultBaseURL = "https://api.cloudflare.com/client/v4"

// Limits of Workers KV that the layout is built around.
const (
	// MaxValueSize is the largest value KV stores, in bytes.
	MaxValueSize = 25 << 20
	// MinTTL is the shortest time to live KV accepts.
	MinTTL = 60 * time.Second
	// DefaultPartSize is the part size used when Config.PartSize is zero.
	DefaultPartSize = 24 << 20
	// MinPartSize is the smallest Config.PartSize accepted.
	MinPartSize = 1 << 10
	// MaxPartSize is the largest Config.PartSize accepted: a part plus the
	// manifest line in front of it must fit in one KV value.
	MaxPartSize = MaxValueSize - maxManifestLine
)

// Config describes a Workers KV namespace and how to talk to it.
type Config struct {
	// AccountID is the Cloudflare account that owns the namespace. Required.
	AccountID string
	// NamespaceID is the KV namespace's ID (not its title). Required.
	NamespaceID string
	// APIToken is a Cloudflare API token with the "Workers KV Storage: Edit"
	// permission on the account. Required. It is sent only in the
	// Authorization header and never appears in errors or in Config's
	// String and GoString.
	APIToken string
	// BaseURL is the API's root. Empty means DefaultBaseURL; tests point it
	// at a kvtest server.
	BaseURL string
	// HTTPClient sends the requests. Nil means a client with no overall
	// timeout (artifacts are large; use the context to bound a call).
	HTTPClient *http.Client
	// TTL is the time to live of every stored artifact, counted from its
	// last Put. Zero means artifacts never expire; otherwise it must be at
	// least MinTTL and is rounded up to whole seconds. Parts live ten
	// minutes longer than their manifest, so an expiring artifact becomes a
	// miss, never a manifest without its parts.
	TTL time.Duration
	// PartSize is the size of the parts a large artifact is split into, and
	// the size up to which an artifact is stored in a single value. Zero
	// means DefaultPartSize; otherwise it must lie in [MinPartSize,
	// MaxPartSize]. Put buffers one part, so this bounds its memory.
	PartSize int
	// Retry bounds the retries of failed requests. Nil means the defaults
	// described on RetryPolicy.
	Retry *RetryPolicy
}

// RetryPolicy bounds how failed requests are retried. Zero fields take the
// defaults given below.
type RetryPolicy struct {
	// MaxAttempts is how many times one request is sent at most, the first
	// included. Default 5.
	MaxAttempts int
	// MinBackoff is the wait before the first retry; it doubles with each
	// further retry, with jitter. Default 250 ms.
	MinBackoff time.Duration
	// MaxBackoff caps one wait chosen by backoff. Default 8 s.
	MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After the store waits for. A
	// longer one (KV's account-wide limit blocks for five minutes) fails
	// the call at once. Default 30 s.
	MaxRetryAfter time.Duration
}

// String describes c without its API token.
func (c Config) String() string {
	return fmt.Sprintf("kvstore.Config{AccountID:%q NamespaceID:%q APIToken:%s BaseURL:%q TTL:%s PartSize:%d}",
		c.AccountID, c.NamespaceID, redact(c.APIToken), c.BaseURL, c.TTL, c.PartSize)
}

// GoString is String, so that %#v does not print the token either.
func (c Config) GoString() string { return c.String() }

func redact(token string) string {
	if token == "" {
		return `""`
	}
	return "[redacted]"
}

// settings is a validated Config with its defaults applied.
type settings struct {
	base       *url.URL // .../accounts/<id>/storage/kv/namespaces/<id>
	token      string
	client     *http.Client
	ttlSeconds int64 // 0: no expiration
	partSize   int
	retry      RetryPolicy
}

// validate checks c and fills in defaults. Errors name the field at fault.
func (c Config) validate() (settings, error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("kvstore: config: %s %s", field, fmt.Sprintf(format, args...)))
	}
	if !validID(c.AccountID) {
		bad("AccountID", "%q is not an ID (letters, digits, '-' and '_')", c.AccountID)
	}
	if !validID(c.NamespaceID) {
		bad("NamespaceID", "%q is not an ID (letters, digits, '-' and '_')", c.NamespaceID)
	}
	if c.APIToken == "" {
		bad("APIToken", "is empty")
	}
	s := settings{token: c.APIToken, client: c.HTTPClient, partSize: c.PartSize}
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	switch {
	case err != nil:
		bad("BaseURL", "%q does not parse: %v", base, err)
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		bad("BaseURL", "%q is not an absolute http or https URL", base)
	default:
		s.base = u.JoinPath("accounts", c.AccountID, "storage", "kv", "namespaces", c.NamespaceID)
	}
	switch {
	case c.TTL == 0:
	case c.TTL < MinTTL:
		bad("TTL", "is %s, shorter than KV's minimum of %s (zero means no expiration)", c.TTL, MinTTL)
	default:
		s.ttlSeconds = int64((c.TTL + time.Second - 1) / time.Second)
	}
	switch {
	case c.PartSize == 0:
		s.partSize = DefaultPartSize
	case c.PartSize < MinPartSize || c.PartSize > MaxPartSize:
		bad("PartSize", "is %d, outside [%d, %d]", c.PartSize, MinPartSize, MaxPartSize)
	}
	if s.client == nil {
		s.client = &http.Client{}
	}
	s.retry = RetryPolicy{MaxAttempts: 5, MinBackoff: 250 * time.Millisecond, MaxBackoff: 8 * time.Second, MaxRetryAfter: 30 * time.Second}
	if r := c.Retry; r != nil {
		if r.MaxAttempts < 0 || r.MinBackoff < 0 || r.MaxBackoff < 0 || r.MaxRetryAfter < 0 {
			bad("Retry", "has a negative field: %+v", *r)
		}
		if r.MaxAttempts > 0 {
			s.retry.MaxAttempts = r.MaxAttempts
		}
		if r.MinBackoff > 0 {
			s.retry.MinBackoff = r.MinBackoff
		}
		if r.MaxBackoff > 0 {
			s.retry.MaxBackoff = r.MaxBackoff
		}
		if r.MaxRetryAfter > 0 {
			s.retry.MaxRetryAfter = r.MaxRetryAfter
		}
	}
	return s, errors.Join(errs...)
}

// validID reports whether id can stand as one segment of the API's paths.
// Cloudflare's IDs are 32 hexadecimal digits; tests use short names.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

package selector

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/turbocache/turbocache/kvstore"
	"github.com/turbocache/turbocache/r2store"
	"github.com/turbocache/turbocache/s3store"
)

// DefaultExpirationHours is the value of BUCKET_OBJECT_EXPIRATION_HOURS when
// it is unset: 30 days.
const DefaultExpirationHours = 720

// The environment variables FromEnv reads.
var (
	s3Required = []string{"S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_BUCKET_NAME"}
	s3Optional = []string{"S3_REGION", "S3_ENDPOINT", "S3_FORCE_PATH_STYLE"}
	kvRequired = []string{"CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_API_TOKEN", "KV_NAMESPACE_ID"}
	r2Required = []string{"CLOUDFLARE_ACCOUNT_ID", "R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET_NAME"}
	r2Optional = []string{"R2_JURISDICTION", "R2_ENDPOINT"}
)

// FromEnv builds a Config from environment variables, read through lookup
// (os.LookupEnv, or a map in tests). An empty value counts as unset.
//
//	S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET_NAME   S3 (all three required)
//	S3_REGION (us-east-1), S3_ENDPOINT, S3_FORCE_PATH_STYLE   S3, optional
//	CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN, KV_NAMESPACE_ID   Workers KV (all required)
//	CLOUDFLARE_API_URL                                        Workers KV, optional API base
//	CLOUDFLARE_ACCOUNT_ID, R2_ACCESS_KEY_ID, R2_SECRET_ACCESS_KEY, R2_BUCKET_NAME   R2 (all required)
//	R2_JURISDICTION (eu, fedramp, us), R2_ENDPOINT            R2, optional
//	S3_UPLOAD_MEMORY, R2_UPLOAD_MEMORY (64MiB)                the upload memory budget of S3, of R2
//	BUCKET_OBJECT_EXPIRATION_HOURS (720; 0 = never)           expiry
//	STORAGE_DIR                                               the local directory
//	STORAGE_MAX_SIZE (DefaultMaxSize; 0 = no bound)           its bound, such as 20GiB
//	STORAGE_SYNC (batch; always)                              when its uploads reach the disk
//	LOCAL_CACHE_DIR, LOCAL_CACHE_MAX_SIZE, LOCAL_CACHE_WRITE (back, through)   the local tier in front of S3, KV or R2
//
// A backend counts as configured once any of its own variables is set (for
// KV: KV_NAMESPACE_ID or CLOUDFLARE_API_URL; CLOUDFLARE_ACCOUNT_ID and
// CLOUDFLARE_API_TOKEN alone configure nothing, as wrangler uses them too).
// A configured backend missing a required variable is an error naming every
// missing variable, so a typo never silently selects another backend.
// Errors never contain a secret.
func FromEnv(lookup func(string) (string, bool)) (*Config, error) {
	env := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	cfg := &Config{Dir: env("STORAGE_DIR")}
	var errs []error
	switch v := env("STORAGE_SYNC"); v {
	case "", "batch":
	case "always":
		cfg.SyncEachPut = true
	default:
		errs = append(errs, fmt.Errorf("STORAGE_SYNC=%q is neither batch nor always", v))
	}
	if v := env("STORAGE_MAX_SIZE"); v != "" {
		n, err := ParseSize(v)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("STORAGE_MAX_SIZE: %w", err))
		case n == 0:
			cfg.MaxSize = -1 // explicitly unbounded
		default:
			cfg.MaxSize = n
		}
	}

	hours := int64(DefaultExpirationHours)
	if v := env("BUCKET_OBJECT_EXPIRATION_HOURS"); v != "" {
		h, err := strconv.ParseInt(v, 10, 64)
		if err != nil || h < 0 || h > 1<<20 {
			errs = append(errs, fmt.Errorf("BUCKET_OBJECT_EXPIRATION_HOURS=%q is not a whole number of hours (0 or more)", v))
		}
		hours = h
	}
	cfg.Expiration = time.Duration(hours) * time.Hour

	if anySet(env, s3Required, s3Optional) {
		if err := missing("S3", env, s3Required, s3Optional); err != nil {
			errs = append(errs, err)
		}
		pathStyle := false
		if v := env("S3_FORCE_PATH_STYLE"); v != "" {
			var err error
			if pathStyle, err = strconv.ParseBool(v); err != nil {
				errs = append(errs, fmt.Errorf("S3_FORCE_PATH_STYLE=%q is not true or false", v))
			}
		}
		cfg.S3 = &s3store.Config{
			AccessKeyID:     env("S3_ACCESS_KEY_ID"),
			SecretAccessKey: env("S3_SECRET_ACCESS_KEY"),
			Bucket:          env("S3_BUCKET_NAME"),
			Region:          env("S3_REGION"),
			Endpoint:        env("S3_ENDPOINT"),
			UsePathStyle:    pathStyle,
		}
	}

	if anySet(env, []string{"KV_NAMESPACE_ID", "CLOUDFLARE_API_URL"}) {
		if err := missing("KV", env, kvRequired, []string{"CLOUDFLARE_API_URL"}); err != nil {
			errs = append(errs, err)
		}
		cfg.KV = &kvstore.Config{
			AccountID:   env("CLOUDFLARE_ACCOUNT_ID"),
			APIToken:    env("CLOUDFLARE_API_TOKEN"),
			NamespaceID: env("KV_NAMESPACE_ID"),
			BaseURL:     env("CLOUDFLARE_API_URL"),
		}
	}

	if anySet(env, r2Required[1:], r2Optional) {
		required := r2Required
		if env("R2_ENDPOINT") != "" {
			required = r2Required[1:] // the endpoint replaces the account
		}
		if err := missing("R2", env, required, r2Optional); err != nil {
			errs = append(errs, err)
		}
		cfg.R2 = &r2store.Config{
			AccountID:       env("CLOUDFLARE_ACCOUNT_ID"),
			AccessKeyID:     env("R2_ACCESS_KEY_ID"),
			SecretAccessKey: env("R2_SECRET_ACCESS_KEY"),
			Bucket:          env("R2_BUCKET_NAME"),
			Jurisdiction:    env("R2_JURISDICTION"),
			Endpoint:        env("R2_ENDPOINT"),
		}
	}

	// The upload memory budgets, read only for a configured backend: on
	// their own they configure nothing.
	for _, b := range []struct {
		name string
		dst  *int64
	}{
		{"S3_UPLOAD_MEMORY", uploadMemory(cfg.S3)},
		{"R2_UPLOAD_MEMORY", uploadMemoryR2(cfg.R2)},
	} {
		if v := env(b.name); v != "" && b.dst != nil {
			n, err := ParseSize(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", b.name, err))
			}
			*b.dst = n
		}
	}

	// The local tier in front of a cloud backend.
	if lc, err := localCacheFromEnv(env); err != nil {
		errs = append(errs, err)
	} else {
		cfg.LocalCache = lc
	}

	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("selector: %w", err)
	}
	return cfg, nil
}

func uploadMemory(c *s3store.Config) *int64 {
	if c == nil {
		return nil
	}
	return &c.UploadMemory
}

func uploadMemoryR2(c *r2store.Config) *int64 {
	if c == nil {
		return nil
	}
	return &c.UploadMemory
}

// anySet reports whether any of the named variables is set.
func anySet(env func(string) string, lists ...[]string) bool {
	for _, names := range lists {
		for _, name := range names {
			if env(name) != "" {
				return true
			}
		}
	}
	return false
}

// missing names the required variables of a configured backend that are
// unset, and those that are set (names only, never values).
func missing(backend string, env func(string) string, required, optional []string) error {
	var set, unset []string
	for _, name := range required {
		if env(name) == "" {
			unset = append(unset, name)
		} else {
			set = append(set, name)
		}
	}
	if len(unset) == 0 {
		return nil
	}
	for _, name := range optional {
		if env(name) != "" {
			set = append(set, name)
		}
	}
	return fmt.Errorf("%s is partly configured (%s set): missing %s",
		backend, strings.Join(set, ", "), strings.Join(unset, ", "))
}

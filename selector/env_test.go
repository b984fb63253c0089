package selector_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/selector"
)

// Complete sets of variables for each backend.
var (
	s3Env = map[string]string{"S3_ACCESS_KEY_ID": "AKIAEXAMPLE", "S3_SECRET_ACCESS_KEY": "s3-secret", "S3_BUCKET_NAME": "artifacts"}
	kvEnv = map[string]string{"CLOUDFLARE_ACCOUNT_ID": "0123456789abcdef0123456789abcdef", "CLOUDFLARE_API_TOKEN": "kv-secret", "KV_NAMESPACE_ID": "fedcba9876543210fedcba9876543210"}
	r2Env = map[string]string{"CLOUDFLARE_ACCOUNT_ID": "0123456789abcdef0123456789abcdef", "R2_ACCESS_KEY_ID": "r2-id", "R2_SECRET_ACCESS_KEY": "r2-secret", "R2_BUCKET_NAME": "r2-artifacts"}
)

var secrets = []string{"s3-secret", "kv-secret", "r2-secret"}

func merge(envs ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, env := range envs {
		for k, v := range env {
			out[k] = v
		}
	}
	return out
}

func lookup(env map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
}

func TestFromEnvSections(t *testing.T) {
	for _, tc := range []struct {
		name       string
		env        map[string]string
		s3, kv, r2 bool
	}{
		{"nothing", nil, false, false, false},
		{"S3", s3Env, true, false, false},
		{"KV", kvEnv, false, true, false},
		{"R2", r2Env, false, false, true},
		{"S3 and KV", merge(s3Env, kvEnv), true, true, false},
		{"S3 and R2", merge(s3Env, r2Env), true, false, true},
		{"KV and R2", merge(kvEnv, r2Env), false, true, true},
		{"all", merge(s3Env, kvEnv, r2Env), true, true, true},
		{"wrangler's variables alone", map[string]string{"CLOUDFLARE_ACCOUNT_ID": "a", "CLOUDFLARE_API_TOKEN": "t"}, false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := selector.FromEnv(lookup(tc.env))
			require.NoError(t, err)
			assert.Equal(t, tc.s3, cfg.S3 != nil, "S3 configured")
			assert.Equal(t, tc.kv, cfg.KV != nil, "KV configured")
			assert.Equal(t, tc.r2, cfg.R2 != nil, "R2 configured")
		})
	}
}

func TestFromEnvValues(t *testing.T) {
	cfg, err := selector.FromEnv(lookup(merge(s3Env, kvEnv, r2Env, map[string]string{
		"S3_REGION": "eu-west-1", "S3_ENDPOINT": "http://127.0.0.1:7070", "S3_FORCE_PATH_STYLE": "true",
		"CLOUDFLARE_API_URL":             "http://127.0.0.1:8787/client/v4",
		"R2_JURISDICTION":                "eu",
		"STORAGE_DIR":                    "/var/cache/turbo",
		"BUCKET_OBJECT_EXPIRATION_HOURS": "48",
	})))
	require.NoError(t, err)
	assert.Equal(t, "AKIAEXAMPLE", cfg.S3.AccessKeyID)
	assert.Equal(t, "s3-secret", cfg.S3.SecretAccessKey)
	assert.Equal(t, "artifacts", cfg.S3.Bucket)
	assert.Equal(t, "eu-west-1", cfg.S3.Region)
	assert.Equal(t, "http://127.0.0.1:7070", cfg.S3.Endpoint)
	assert.True(t, cfg.S3.UsePathStyle)
	assert.Equal(t, "0123456789abcdef0123456789abcdef", cfg.KV.AccountID)
	assert.Equal(t, "kv-secret", cfg.KV.APIToken)
	assert.Equal(t, "fedcba9876543210fedcba9876543210", cfg.KV.NamespaceID)
	assert.Equal(t, "http://127.0.0.1:8787/client/v4", cfg.KV.BaseURL)
	assert.Equal(t, "r2-id", cfg.R2.AccessKeyID)
	assert.Equal(t, "r2-secret", cfg.R2.SecretAccessKey)
	assert.Equal(t, "r2-artifacts", cfg.R2.Bucket)
	assert.Equal(t, "eu", cfg.R2.Jurisdiction)
	assert.Equal(t, "/var/cache/turbo", cfg.Dir)
	assert.Equal(t, 48*time.Hour, cfg.Expiration)
}

func TestFromEnvDefaults(t *testing.T) {
	cfg, err := selector.FromEnv(lookup(s3Env))
	require.NoError(t, err)
	assert.Equal(t, 720*time.Hour, cfg.Expiration, "BUCKET_OBJECT_EXPIRATION_HOURS unset")
	assert.Empty(t, cfg.S3.Region, "S3_REGION unset: s3store applies us-east-1")
	assert.False(t, cfg.S3.UsePathStyle)
	assert.Empty(t, cfg.Dir)

	cfg, err = selector.FromEnv(lookup(map[string]string{"BUCKET_OBJECT_EXPIRATION_HOURS": "0"}))
	require.NoError(t, err)
	assert.Zero(t, cfg.Expiration, "0 hours: never expire")
}

func TestFromEnvErrors(t *testing.T) {
	without := func(env map[string]string, names ...string) map[string]string {
		out := merge(env)
		for _, n := range names {
			delete(out, n)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string // all must appear in the error
		not  []string // none may appear
	}{
		{"S3 bucket without keys", map[string]string{"S3_BUCKET_NAME": "b"},
			[]string{"S3 is partly configured (S3_BUCKET_NAME set): missing S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY"}, nil},
		{"S3 without secret", without(s3Env, "S3_SECRET_ACCESS_KEY"),
			[]string{"(S3_ACCESS_KEY_ID, S3_BUCKET_NAME set): missing S3_SECRET_ACCESS_KEY"}, nil},
		{"S3 endpoint alone", map[string]string{"S3_ENDPOINT": "http://127.0.0.1:1"},
			[]string{"S3_ENDPOINT set", "missing S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET_NAME"}, nil},
		{"KV without token", without(kvEnv, "CLOUDFLARE_API_TOKEN"),
			[]string{"KV is partly configured", "missing CLOUDFLARE_API_TOKEN"}, nil},
		{"KV without account", without(kvEnv, "CLOUDFLARE_ACCOUNT_ID"),
			[]string{"missing CLOUDFLARE_ACCOUNT_ID"}, nil},
		{"R2 without bucket", without(r2Env, "R2_BUCKET_NAME"),
			[]string{"R2 is partly configured", "missing R2_BUCKET_NAME"}, nil},
		{"R2 without account", without(r2Env, "CLOUDFLARE_ACCOUNT_ID"),
			[]string{"missing CLOUDFLARE_ACCOUNT_ID"}, nil},
		{"complete S3, half KV", merge(s3Env, map[string]string{"KV_NAMESPACE_ID": "n"}),
			[]string{"KV is partly configured", "CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN"}, nil},
		{"two half backends", map[string]string{"S3_BUCKET_NAME": "b", "R2_BUCKET_NAME": "c"},
			[]string{"S3 is partly configured", "R2 is partly configured"}, nil},
		{"bad path style", merge(s3Env, map[string]string{"S3_FORCE_PATH_STYLE": "maybe"}),
			[]string{`S3_FORCE_PATH_STYLE="maybe"`}, nil},
		{"bad S3 upload memory", merge(s3Env, map[string]string{"S3_UPLOAD_MEMORY": "lots"}),
			[]string{`S3_UPLOAD_MEMORY: "lots" is not a size`}, nil},
		{"bad R2 upload memory", merge(r2Env, map[string]string{"R2_UPLOAD_MEMORY": "-1MiB"}),
			[]string{`R2_UPLOAD_MEMORY: "-1MiB" is not a size`}, nil},
		{"bad expiration", map[string]string{"BUCKET_OBJECT_EXPIRATION_HOURS": "30d"},
			[]string{`BUCKET_OBJECT_EXPIRATION_HOURS="30d"`}, nil},
		{"negative expiration", map[string]string{"BUCKET_OBJECT_EXPIRATION_HOURS": "-1"},
			[]string{"BUCKET_OBJECT_EXPIRATION_HOURS"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := selector.FromEnv(lookup(tc.env))
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			for _, n := range append(tc.not, secrets...) {
				assert.NotContains(t, err.Error(), n)
			}
		})
	}
}

func TestFromEnvR2EndpointReplacesAccount(t *testing.T) {
	env := merge(r2Env, map[string]string{"R2_ENDPOINT": "https://127.0.0.1:9000"})
	delete(env, "CLOUDFLARE_ACCOUNT_ID")
	cfg, err := selector.FromEnv(lookup(env))
	require.NoError(t, err)
	require.NotNil(t, cfg.R2)
	assert.Equal(t, "https://127.0.0.1:9000", cfg.R2.Endpoint)
}

func TestFromEnvIgnoresBlankValues(t *testing.T) {
	cfg, err := selector.FromEnv(lookup(map[string]string{"S3_BUCKET_NAME": "  ", "KV_NAMESPACE_ID": ""}))
	require.NoError(t, err)
	assert.Nil(t, cfg.S3)
	assert.Nil(t, cfg.KV)
	assert.False(t, strings.Contains(cfg.Dir, " "))
}

func TestFromEnvUploadMemory(t *testing.T) {
	for _, tc := range []struct {
		name   string
		env    map[string]string
		s3, r2 int64
	}{
		{"unset", merge(s3Env, r2Env), 0, 0},
		{"bytes", merge(s3Env, map[string]string{"S3_UPLOAD_MEMORY": "33554432"}), 32 << 20, 0},
		{"MiB", merge(s3Env, r2Env, map[string]string{"S3_UPLOAD_MEMORY": "128MiB", "R2_UPLOAD_MEMORY": "16 MiB"}), 128 << 20, 16 << 20},
		{"GiB", merge(r2Env, map[string]string{"R2_UPLOAD_MEMORY": "1GiB"}), 0, 1 << 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := selector.FromEnv(lookup(tc.env))
			require.NoError(t, err)
			if cfg.S3 != nil {
				assert.Equal(t, tc.s3, cfg.S3.UploadMemory)
			}
			if cfg.R2 != nil {
				assert.Equal(t, tc.r2, cfg.R2.UploadMemory)
			}
		})
	}
	// On its own, a budget configures no backend.
	cfg, err := selector.FromEnv(lookup(map[string]string{"S3_UPLOAD_MEMORY": "64MiB", "R2_UPLOAD_MEMORY": "64MiB"}))
	require.NoError(t, err)
	assert.Nil(t, cfg.S3)
	assert.Nil(t, cfg.R2)
}

package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/s3test"
	"github.com/turbocache/turbocache/usage"
)

// TestDashboardReplicas runs two servers over one versitygw bucket, each
// answering its own requests of turbo's and Nx's protocols: once both have
// flushed, each shows the sum of both.
func TestDashboardReplicas(t *testing.T) {
	srv := s3servers.Get(t, s3test.Options{})
	env := map[string]string{
		"S3_ACCESS_KEY_ID": srv.AccessKeyID, "S3_SECRET_ACCESS_KEY": srv.SecretAccessKey,
		"S3_BUCKET_NAME": srv.NewBucket(t), "S3_REGION": srv.Region,
		"S3_ENDPOINT": srv.Endpoint, "S3_FORCE_PATH_STYLE": "true",
		"TURBO_TOKEN": "turbo-token-for-tests", "DASHBOARD_TOKEN": dashToken,
	}
	a, b := startServer(t, env), startServer(t, env)
	const tok = "turbo-token-for-tests"
	// a: one upload, one hit, one miss of turbo; one REMOTE HIT event.
	code, _, _ := a.do(t, "PUT", "/v8/artifacts/0123abcd?slug=web", tok, "artifact")
	require.Equal(t, http.StatusAccepted, code)
	code, _, _ = a.do(t, "GET", "/v8/artifacts/0123abcd?slug=web", tok, "")
	require.Equal(t, http.StatusOK, code)
	code, _, _ = a.do(t, "GET", "/v8/artifacts/ffff0000?slug=web", tok, "")
	require.Equal(t, http.StatusNotFound, code)
	code, _, _ = a.do(t, "POST", "/v8/artifacts/events?slug=web", tok,
		`[{"sessionId":"3f1c2a4e-8b7d-4e6f-9a01-23456789abcd","source":"REMOTE","event":"HIT","hash":"0123abcd","duration":700}]`)
	require.Equal(t, http.StatusOK, code)
	// b: a hit of a's upload, its event, and an Nx upload and hit.
	code, _, _ = b.do(t, "GET", "/v8/artifacts/0123abcd?slug=web", tok, "")
	require.Equal(t, http.StatusOK, code)
	code, _, _ = b.do(t, "POST", "/v8/artifacts/events?slug=web", tok,
		`[{"sessionId":"9e8d7c6b-5a49-4382-8171-6f5e4d3c2b1a","source":"REMOTE","event":"HIT","hash":"0123abcd","duration":300}]`)
	require.Equal(t, http.StatusOK, code)
	code, _, _ = b.do(t, "PUT", "/v1/cache/12345", tok, "nx record")
	require.Equal(t, http.StatusOK, code)
	code, _, _ = b.do(t, "GET", "/v1/cache/12345", tok, "")
	require.Equal(t, http.StatusOK, code)

	// A replica's counts reach the store at its next flush (every minute,
	// at shutdown, and when it serves the page): one page load of each
	// stands for the minute.
	usageOf(t, a, dashToken)
	usageOf(t, b, dashToken)
	for name, s := range map[string]*server{"a": a, "b": b} {
		rep := usageOf(t, s, dashToken)
		assert.Equal(t, 2, rep.Replicas, name)
		web := teamOf(t, rep, "web")
		assert.Equal(t, usage.Summary{Hits: 2, Misses: 1, SavedMillis: 1000, Uploads: 1, UploadedBytes: 8, DownloadedBytes: 16},
			web.Total, name)
		nx := teamOf(t, rep, "nx")
		assert.Equal(t, usage.Counts{Hits: 1, Uploads: 1, UploadedBytes: 9, DownloadedBytes: 9}, nx.Protocols.Nx, name)
		assert.Equal(t, int64(3), rep.Total.Hits, name)
	}
}

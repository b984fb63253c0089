package nxapi_test

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/internal/nxtest"
	"github.com/turbocache/turbocache/nxapi"
	"github.com/turbocache/turbocache/storage/memstore"
)

// TestNxUnauthorized runs nx with a token the server does not know: nx must
// stop with the server's message, which it prints only when the 401 is
// exactly text/plain (with a charset it reports a misconfigured endpoint).
func TestNxUnauthorized(t *testing.T) {
	var w wire
	url := serveNx(t, memstore.New(nil), "", &w, nil)
	ws := nxtest.NewWorkspace(t, 2)
	res := ws.Run(t, nxtest.RunOptions{Server: url, Token: "not-a-token", MayFail: true})
	require.Error(t, res.Err, "nx ran with an unknown token:\n%s", res.Output)
	assert.Contains(t, res.Output, "Unauthorized: httpapi: missing or invalid credentials: unknown token")
	assert.NotContains(t, res.Output, "Misconfigured")
	assert.Positive(t, w.count("GET 401"), "%s", &w)
}

// TestNxStoreFailure runs nx against a store whose every call fails: by
// default nx sees an empty cache and its run succeeds; with
// ErrorOnStoreFailure the 503 stops it.
func TestNxStoreFailure(t *testing.T) {
	for _, tc := range []struct {
		mode    nxapi.FailureMode
		succeed bool
		answers []string
	}{
		{nxapi.MissOnStoreFailure, true, []string{"GET 404", "PUT 409"}},
		{nxapi.ErrorOnStoreFailure, false, []string{"GET 503"}},
	} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			h, err := nxapi.New(failing{memstore.New(nil)}, &nxapi.Options{Auth: testAuth(t), StoreFailure: tc.mode})
			require.NoError(t, err)
			var w wire
			srv := httptest.NewServer(w.record(h))
			t.Cleanup(srv.Close)
			ws := nxtest.NewWorkspace(t, 2)
			res := ws.Run(t, nxtest.RunOptions{Server: srv.URL, Token: rwToken, MayFail: !tc.succeed})
			if tc.succeed {
				res.RequireRan(t, ws.Packages)
			} else {
				require.Error(t, res.Err, "nx ran on while the store failed:\n%s", res.Output)
				assert.Contains(t, res.Output, "503")
			}
			for _, a := range tc.answers {
				assert.Positive(t, w.count(a), "no %q: %s", a, &w)
			}
		})
	}
}

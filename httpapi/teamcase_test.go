package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/memstore"
)

// TestTeamCase checks that teams differing only in case are one team: the
// same key in the store whatever the case of the request, so that a store
// on a case-insensitive file system behaves like every other, and token
// team lists match without regard to case.
func TestTeamCase(t *testing.T) {
	store := memstore.New(nil)
	auth, err := httpapi.NewTokenAuth(httpapi.Token{Secret: testToken, Teams: []string{"Web"}})
	require.NoError(t, err)
	h, err := httpapi.New(store, &httpapi.Options{Auth: auth, DefaultTeam: "WEB"})
	require.NoError(t, err)
	f := &fixture{h: h}

	w := f.do("PUT", "/v8/artifacts/"+hashA+"?slug=Web", "bytes")
	require.Equal(t, http.StatusAccepted, w.Code, w.Body.String())
	assert.Equal(t, []string{"web/" + hashA}, keys(t, store), "the key in the store")
	for _, target := range []string{"?slug=web", "?slug=WEB", "?teamId=wEb", ""} {
		t.Run("GET "+target, func(t *testing.T) {
			w := f.do("GET", "/v8/artifacts/"+hashA+target, "")
			assert.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.Equal(t, "bytes", w.Body.String())
		})
	}
	w = f.do("GET", "/v8/artifacts/"+hashA+"?slug=docs", "")
	assert.Equal(t, http.StatusForbidden, w.Code, "another team")

	// A token listing "web" may use "Web", through TokenAuth directly too.
	r, err := http.NewRequest("GET", "/", nil)
	require.NoError(t, err)
	r.Header.Set("Authorization", "Bearer "+testToken)
	got, err := auth.Authenticate(r, "WEB")
	require.NoError(t, err)
	assert.Equal(t, httpapi.ReadWrite, got)
}

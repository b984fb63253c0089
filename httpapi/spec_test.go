package httpapi_test

// The points of Turborepo's published Remote Cache API spec (OpenAPI
// document "Turborepo Remote Cache API", version 1.0.0), one test each.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/memstore"
)

const sessionID = "0b9e8a4c-5d6f-4e21-9a3b-7c1d2e3f4a5b"

// Spec: every error answer (400, 401, 403, 404) is an Error object with a
// code and a message; turbo reads the same under "error". Both, in one body.
func TestSpecErrorBodyHasBothShapes(t *testing.T) {
	f := newFixture(t, &httpapi.Options{Status: httpapi.StatusDisabled})
	for _, tc := range []struct {
		name   string
		status int
		do     func() *http.Response
	}{
		{"400 bad hash", 400, func() *http.Response { return f.do("GET", "/v8/artifacts/xyz?slug=team_a", "").Result() }},
		{"401 no token", 401, func() *http.Response {
			return f.do("GET", "/v8/artifacts/"+hashA+"?slug=team_a", "", "Authorization", "").Result()
		}},
		{"403 uploads disabled", 403, func() *http.Response { return f.do("PUT", "/v8/artifacts/"+hashB+"?slug=team_a", "x").Result() }},
		{"404 no artifact", 404, func() *http.Response { return f.do("GET", "/v8/artifacts/"+hashB+"?slug=team_a", "").Result() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := tc.do()
			require.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			var body struct {
				Code, Message string
				Error         struct{ Code, Message string }
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			assert.NotEmpty(t, body.Code)
			assert.NotEmpty(t, body.Message)
			assert.Equal(t, body.Code, body.Error.Code)
			assert.Equal(t, body.Message, body.Error.Message)
		})
	}
}

// Spec: GET /artifacts/status answers {"status": one of enabled, disabled,
// over_limit, paused}; a status other than enabled refuses uploads (403,
// with the code turbo expects). "" means enabled; other values are refused
// by New.
func TestSpecStatus(t *testing.T) {
	for _, status := range []string{"", "enabled", "disabled", "over_limit", "paused"} {
		t.Run(status, func(t *testing.T) {
			f := newFixture(t, &httpapi.Options{Status: httpapi.Status(status)})
			w := f.do("GET", "/v8/artifacts/status", "")
			require.Equal(t, http.StatusOK, w.Code)
			want := status
			if want == "" {
				want = "enabled"
			}
			assert.JSONEq(t, `{"status":"`+want+`"}`, w.Body.String())

			w = f.do("PUT", "/v8/artifacts/"+hashB+"?slug=team_a", "x")
			if want == "enabled" {
				assert.Equal(t, http.StatusAccepted, w.Code)
			} else {
				assert.Equal(t, http.StatusForbidden, w.Code)
				assert.Equal(t, "remote_caching_"+want, errorCode(t, w))
			}
		})
	}
	_, err := httpapi.New(memstore.New(nil), &httpapi.Options{Status: "on"})
	assert.ErrorContains(t, err, `unknown status "on"`)
}

// Spec: GET and HEAD /artifacts/{hash} answer 200 with Content-Length and
// the stored x-artifact-* headers (GET with the octet-stream body), 404 when
// there is no such artifact.
func TestSpecDownloadAndExists(t *testing.T) {
	f := newFixture(t, nil)
	for _, method := range []string{"GET", "HEAD"} {
		t.Run(method, func(t *testing.T) {
			w := f.do(method, "/v8/artifacts/"+hashA+"?teamId=team_a", "")
			require.Equal(t, http.StatusOK, w.Code)
			h := w.Header()
			assert.Equal(t, "application/octet-stream", h.Get("Content-Type"))
			assert.Equal(t, "10", h.Get("Content-Length"))
			assert.Equal(t, "1234", h.Get("x-artifact-duration"))
			assert.Equal(t, "tag-a", h.Get("x-artifact-tag"))
			assert.Equal(t, "sha-a", h.Get("x-artifact-sha"))
			assert.Equal(t, "dirty-a", h.Get("x-artifact-dirty-hash"))
			assert.Empty(t, h.Get("Content-Encoding"))
			if method == "GET" {
				assert.Equal(t, "artifact-a", w.Body.String())
			} else {
				assert.Empty(t, w.Body.String())
			}

			w = f.do(method, "/v8/artifacts/"+hashB+"?teamId=team_a", "")
			assert.Equal(t, http.StatusNotFound, w.Code)
			if method == "GET" {
				assert.Equal(t, "not_found", errorCode(t, w))
			}
		})
	}
}

// Spec: the hash matches ^[a-fA-F0-9]+$; anything else is a 400.
func TestSpecHashPattern(t *testing.T) {
	f := newFixture(t, nil)
	for _, hash := range []string{"abcDEF0189", "g", "ab-cd", "%20"} {
		t.Run(hash, func(t *testing.T) {
			w := f.do("GET", "/v8/artifacts/"+hash+"?slug=team_a", "")
			if strings.Trim(hash, "0123456789abcdefABCDEF") == "" {
				assert.Equal(t, http.StatusNotFound, w.Code)
			} else {
				assert.Equal(t, http.StatusBadRequest, w.Code)
			}
		})
	}
}

// Spec: PUT /artifacts/{hash} takes x-artifact-duration (an integer, at
// least 0) and x-artifact-tag (at most 600 characters), and answers 202
// (or 200) with {"urls": [...]}.
func TestSpecUpload(t *testing.T) {
	f := newFixture(t, nil)
	target := "/v8/artifacts/" + hashB + "?slug=team_a"
	for _, tc := range []struct {
		name   string
		header []string
		status int
	}{
		{"with metadata", []string{"x-artifact-duration", "42", "x-artifact-tag", strings.Repeat("t", 600)}, http.StatusAccepted},
		{"a negative duration", []string{"x-artifact-duration", "-1"}, http.StatusBadRequest},
		{"a duration that is no integer", []string{"x-artifact-duration", "1.5"}, http.StatusBadRequest},
		{"a tag of 601 characters", []string{"x-artifact-tag", strings.Repeat("t", 601)}, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := f.do("PUT", target, "artifact-b", tc.header...)
			require.Equal(t, tc.status, w.Code, w.Body.String())
			if tc.status == http.StatusAccepted {
				var body struct{ URLs []string }
				require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
				assert.NotEmpty(t, body.URLs)
			}
		})
	}
}

// Spec: POST /artifacts with {"hashes": [...]} answers a map from each hash
// to {size, taskDurationMs, tag}, or null when there is no such artifact.
func TestSpecQuery(t *testing.T) {
	f := newFixture(t, nil)
	w := f.do("POST", "/v8/artifacts?slug=team_a", `{"hashes":["`+hashA+`","`+hashB+`"]}`)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.JSONEq(t, `{"`+hashA+`":{"size":10,"taskDurationMs":1234,"tag":"tag-a"},"`+hashB+`":null}`, w.Body.String())
}

// Spec: x-artifact-client-ci (at most 50 characters) and
// x-artifact-client-interactive (0 or 1) may come with GET, PUT and events;
// other values are a 400.
func TestSpecClientHeaders(t *testing.T) {
	f := newFixture(t, nil)
	events := `[{"sessionId":"` + sessionID + `","source":"LOCAL","event":"HIT","hash":"` + hashA + `"}]`
	for _, tc := range []struct {
		name, ci, interactive string
		ok                    bool
	}{
		{"none", "", "", true},
		{"a vendor, interactive", "github-actions", "1", true},
		{"not interactive", "", "0", true},
		{"50 characters", strings.Repeat("c", httpapi.MaxClientCILen), "", true},
		{"51 characters", strings.Repeat("c", httpapi.MaxClientCILen+1), "", false},
		{"interactive 2", "", "2", false},
		{"interactive yes", "", "yes", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header := []string{"x-artifact-client-ci", tc.ci, "x-artifact-client-interactive", tc.interactive}
			for _, req := range []struct{ method, target, body string }{
				{"GET", "/v8/artifacts/" + hashA + "?slug=team_a", ""},
				{"PUT", "/v8/artifacts/" + hashB + "?slug=team_a", "x"},
				{"POST", "/v8/artifacts/events?slug=team_a", events},
			} {
				w := f.do(req.method, req.target, req.body, header...)
				if tc.ok {
					assert.Less(t, w.Code, 300, "%s %s: %s", req.method, req.target, w.Body)
				} else {
					assert.Equal(t, http.StatusBadRequest, w.Code, "%s %s", req.method, req.target)
					assert.Equal(t, "bad_request", errorCode(t, w))
				}
			}
		})
	}
}

// Spec: events are an array of {sessionId (a UUID), source (LOCAL or
// REMOTE), event (HIT or MISS), hash, duration (optional, at least 0)},
// answered 200 with no body. A missing sessionId is accepted: turbo's own
// type makes it optional.
func TestSpecEvents(t *testing.T) {
	f := newFixture(t, nil)
	event := func(fields string) string { return `[{` + fields + `}]` }
	for _, tc := range []struct {
		name, body string
		ok         bool
	}{
		{"complete", event(`"sessionId":"` + sessionID + `","source":"REMOTE","event":"HIT","hash":"ab","duration":5`), true},
		{"no duration", event(`"sessionId":"` + sessionID + `","source":"LOCAL","event":"MISS","hash":"ab"`), true},
		{"no sessionId", event(`"source":"LOCAL","event":"MISS","hash":"ab"`), true},
		{"an upper-case UUID", event(`"sessionId":"` + strings.ToUpper(sessionID) + `","source":"LOCAL","event":"MISS","hash":"ab"`), true},
		{"a sessionId that is no UUID", event(`"sessionId":"s1","source":"LOCAL","event":"MISS","hash":"ab"`), false},
		{"a UUID without dashes", event(`"sessionId":"` + strings.ReplaceAll(sessionID, "-", "") + `","source":"LOCAL","event":"MISS","hash":"ab"`), false},
		{"source CLOUD", event(`"sessionId":"` + sessionID + `","source":"CLOUD","event":"MISS","hash":"ab"`), false},
		{"event MAYBE", event(`"sessionId":"` + sessionID + `","source":"LOCAL","event":"MAYBE","hash":"ab"`), false},
		{"no hash", event(`"sessionId":"` + sessionID + `","source":"LOCAL","event":"MISS"`), false},
		{"a negative duration", event(`"sessionId":"` + sessionID + `","source":"REMOTE","event":"HIT","hash":"ab","duration":-1`), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := f.do("POST", "/v8/artifacts/events?slug=team_a", tc.body)
			if !tc.ok {
				assert.Equal(t, http.StatusBadRequest, w.Code, w.Body.String())
				return
			}
			assert.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.Empty(t, w.Body.String())
			assert.Equal(t, "0", w.Header().Get("Content-Length"))
		})
	}
}

// Spec: every operation needs a bearer token (here, the handler's
// TokenAuth); teamId or slug name the team.
func TestSpecBearerTokenAndTeam(t *testing.T) {
	f := newFixture(t, nil)
	for _, target := range []string{"/v8/artifacts/" + hashA + "?teamId=team_a", "/v8/artifacts/" + hashA + "?slug=team_a"} {
		assert.Equal(t, http.StatusOK, f.do("GET", target, "").Code, target)
		assert.Equal(t, http.StatusUnauthorized, f.do("GET", target, "", "Authorization", "").Code, target)
	}
}

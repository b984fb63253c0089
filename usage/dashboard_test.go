package usage_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/memstore"
	"github.com/turbocache/turbocache/usage"
)

const dashToken = "dashboard-token-0123456789"

// dashboard serves a dashboard over records of the teams web and docs, with
// a token auth holding a token for web alone and one for every team.
func dashboard(t *testing.T, token string) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	s := memstore.New(nil)
	rec := usage.New(s, &usage.Options{Replica: "a"})
	traffic{team: "web", uploads: 2, hits: 2, misses: 1}.run(t, rec.Store(s))
	rec.Events(ctx, "web", hits(2, 1500))
	traffic{team: "docs", uploads: 1, hits: 1, misses: 3}.run(t, rec.Store(s))
	auth, err := httpapi.NewTokenAuth(
		httpapi.Token{Secret: "web-only-token-0123456789", Teams: []string{"Web"}},
		httpapi.Token{Secret: "every-team-token-0123456789"},
	)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/dashboard", usage.NewDashboard(rec, &usage.DashboardOptions{Token: token, Auth: auth}))
	mux.Handle("/dashboard/", usage.NewDashboard(rec, &usage.DashboardOptions{Token: token, Auth: auth}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// get fetches path with the credentials set sets.
func get(t *testing.T, c *http.Client, url string, set func(*http.Request)) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	if set != nil {
		set(req)
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

func bearer(tok string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
}

func basic(user, pass string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(user, pass) }
}

// TestAccess checks who sees what, on the page and the JSON.
func TestAccess(t *testing.T) {
	srv := dashboard(t, dashToken)
	for _, tc := range []struct {
		name      string
		set       func(*http.Request)
		wantCode  int
		wantTeams []string
	}{
		{"no credentials", nil, http.StatusUnauthorized, nil},
		{"bearer", bearer(dashToken), http.StatusOK, []string{"docs", "web"}},
		{"basic, any user", basic("anyone", dashToken), http.StatusOK, []string{"docs", "web"}},
		{"basic, no user", basic("", dashToken), http.StatusOK, []string{"docs", "web"}},
		{"wrong token", bearer("wrong-token-0123456789"), http.StatusUnauthorized, nil},
		{"wrong basic password", basic("me", "wrong"), http.StatusUnauthorized, nil},
		{"token as the user name", basic(dashToken, ""), http.StatusUnauthorized, nil},
		{"team-scoped token", bearer("web-only-token-0123456789"), http.StatusOK, []string{"web"}},
		{"team-scoped token in basic", basic("x", "web-only-token-0123456789"), http.StatusOK, []string{"web"}},
		{"token of every team", bearer("every-team-token-0123456789"), http.StatusOK, []string{"docs", "web"}},
		{"forged cookie", func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: "turbocache_dashboard", Value: "99999999999.00"})
		}, http.StatusUnauthorized, nil},
		{"token as the cookie", func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: "turbocache_dashboard", Value: dashToken})
		}, http.StatusUnauthorized, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, srv.Client(), srv.URL+"/dashboard/usage.json", tc.set)
			require.Equal(t, tc.wantCode, resp.StatusCode, body)
			page, html := get(t, srv.Client(), srv.URL+"/dashboard", tc.set)
			require.Equal(t, tc.wantCode, page.StatusCode)
			if tc.wantCode != http.StatusOK {
				assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "Basic")
				assert.Contains(t, html, `name="token"`, "the login form")
				assert.NotContains(t, html, "docs")
				return
			}
			var rep usage.Report
			require.NoError(t, json.Unmarshal([]byte(body), &rep))
			var teams []string
			for _, tr := range rep.Teams {
				teams = append(teams, tr.Team)
			}
			assert.Equal(t, tc.wantTeams, teams)
			for _, name := range []string{"docs", "web"} {
				assert.Equal(t, contains(tc.wantTeams, name), strings.Contains(html, `id="team-`+name+`"`), name)
			}
			if len(tc.wantTeams) == 1 {
				assert.Equal(t, int64(2), rep.Total.Hits, "totals of its teams alone")
				assert.Nil(t, rep.Stored)
			} else {
				assert.Equal(t, int64(3), rep.Total.Hits)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestLoginForm logs a browser in through the form: the cookie it gets is
// HttpOnly, SameSite=Strict and not the token, and opens the page.
func TestLoginForm(t *testing.T) {
	srv := dashboard(t, dashToken)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := &http.Client{Jar: jar}

	resp, err := c.PostForm(srv.URL+"/dashboard/login", url.Values{"token": {"wrong-token-0123456789"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Empty(t, resp.Cookies())

	var cookie *http.Cookie
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		for _, ck := range req.Response.Cookies() {
			cookie = ck
		}
		return nil
	}
	resp, err = c.PostForm(srv.URL+"/dashboard/login", url.Values{"token": {dashToken}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "redirected to the page, with the cookie")
	require.NotNil(t, cookie)
	assert.True(t, cookie.HttpOnly)
	assert.Equal(t, http.SameSiteStrictMode, cookie.SameSite)
	assert.False(t, cookie.Secure, "plain HTTP")
	assert.NotContains(t, cookie.Value, dashToken)

	resp, html := get(t, c, srv.URL+"/dashboard", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, html, `id="team-web"`)
	resp, _ = get(t, c, srv.URL+"/dashboard/usage.json", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	t.Run("from another site", func(t *testing.T) {
		req, err := http.NewRequest("POST", srv.URL+"/dashboard/login", strings.NewReader("token="+dashToken))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Empty(t, resp.Cookies())
	})
}

// TestOff answers 404 everywhere without a token.
func TestOff(t *testing.T) {
	srv := dashboard(t, "")
	for _, path := range []string{"/dashboard", "/dashboard/usage.json", "/dashboard/login"} {
		resp, _ := get(t, srv.Client(), srv.URL+path, bearer(dashToken))
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
	}
}

// TestMethods refuses what the dashboard does not serve.
func TestMethods(t *testing.T) {
	srv := dashboard(t, dashToken)
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"POST", "/dashboard", http.StatusMethodNotAllowed},
		{"GET", "/dashboard/login", http.StatusMethodNotAllowed},
		{"GET", "/dashboard/other", http.StatusNotFound},
		{"HEAD", "/dashboard", http.StatusOK},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+dashToken)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tc.want, resp.StatusCode, "%s %s", tc.method, tc.path)
	}
}

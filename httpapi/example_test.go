package httpapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/storage/memstore"
)

// A remote cache for two teams: CI may upload, developers may only download.
func Example() {
	auth, err := httpapi.NewTokenAuth(
		httpapi.Token{Name: "ci", Secret: "ci-secret"},
		httpapi.Token{Name: "developers", Secret: "dev-secret", ReadOnly: true},
	)
	if err != nil {
		panic(err)
	}
	h, err := httpapi.New(memstore.New(nil), &httpapi.Options{Auth: auth})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	send := func(method, token, path, body string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("x-artifact-duration", "1500")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		fmt.Println(method, resp.StatusCode, resp.Header.Get("x-artifact-duration"), strings.TrimSpace(string(got)))
	}
	send("PUT", "ci-secret", "/v8/artifacts/c0ffee?slug=web", "artifact bytes")
	send("GET", "dev-secret", "/v8/artifacts/c0ffee?slug=web", "")
	send("GET", "dev-secret", "/v8/artifacts/c0ffee?slug=docs", "")
	send("PUT", "dev-secret", "/v8/artifacts/c0ffee?slug=web", "artifact bytes")
	// Output:
	// PUT 202  {"urls":["/v8/artifacts/c0ffee?slug=web"]}
	// GET 200 1500 artifact bytes
	// GET 404  {"code":"not_found","message":"no artifact c0ffee for team \"docs\"","error":{"code":"not_found","message":"no artifact c0ffee for team \"docs\""}}
	// PUT 403  {"code":"forbidden","message":"read-only access to team \"web\" does not permit PUT","error":{"code":"forbidden","message":"read-only access to team \"web\" does not permit PUT"}}
}

// Mounting the cache below a path of an existing mux: turbo's --api is then
// the server's URL followed by /turbo.
func Example_mount() {
	h, err := httpapi.New(memstore.New(nil), &httpapi.Options{DefaultTeam: "everyone"})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/turbo/", http.StripPrefix("/turbo", h))

	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/turbo/v8/artifacts/status", nil))
	fmt.Print(w.Code, " ", w.Body.String())
	// Output: 200 {"status":"enabled"}
}

// An Authenticator of one's own: here, any token from a header set by a
// proxy in front of the service that has already checked the user.
func ExampleAuthenticatorFunc() {
	auth := httpapi.AuthenticatorFunc(func(r *http.Request, team string) (httpapi.Access, error) {
		if r.Header.Get("X-Verified-User") == "" {
			return httpapi.NoAccess, fmt.Errorf("%w: not signed in", httpapi.ErrUnauthenticated)
		}
		return httpapi.ReadWrite, nil
	})
	h, err := httpapi.New(memstore.New(nil), &httpapi.Options{Auth: auth})
	if err != nil {
		panic(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/v8/artifacts/status", nil))
	fmt.Print(w.Code, " ", w.Body.String())
	// Output: 401 {"code":"unauthorized","message":"httpapi: missing or invalid credentials: not signed in","error":{"code":"unauthorized","message":"httpapi: missing or invalid credentials: not signed in"}}
}

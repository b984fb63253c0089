package nxapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/turbocache/turbocache/httpapi"
	"github.com/turbocache/turbocache/nxapi"
	"github.com/turbocache/turbocache/storage/memstore"
)

// A remote cache for nx: CI may upload, developers may only download, and a
// record, once stored, is never replaced.
func Example() {
	auth, err := httpapi.NewTokenAuth(
		httpapi.Token{Name: "ci", Secret: "ci-secret"},
		httpapi.Token{Name: "developers", Secret: "dev-secret", ReadOnly: true},
	)
	if err != nil {
		panic(err)
	}
	h, err := nxapi.New(memstore.New(nil), &nxapi.Options{Auth: auth})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	send := func(method, token, hash, body string) {
		req, _ := http.NewRequest(method, srv.URL+"/v1/cache/"+hash, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		fmt.Println(method, resp.StatusCode, strings.TrimSpace(string(got)))
	}
	send("PUT", "ci-secret", "1234567890", "record bytes")
	send("PUT", "ci-secret", "1234567890", "other bytes")
	send("GET", "dev-secret", "1234567890", "")
	send("GET", "dev-secret", "42", "")
	send("PUT", "dev-secret", "42", "record bytes")
	send("GET", "wrong", "42", "")
	// Output:
	// PUT 200 stored
	// PUT 409 record 1234567890 of team "nx" exists; records are never replaced
	// GET 200 record bytes
	// GET 404 no record 42 for team "nx"
	// PUT 403 read-only access to team "nx" does not permit PUT
	// GET 401 httpapi: missing or invalid credentials: unknown token
}

// Serving both protocols from one store on one mux: turbo at /v8/, nx at
// /v1/. Their records never meet: nx's live under keys no turbo request
// can name.
func Example_bothProtocols() {
	store := memstore.New(nil)
	turbo, err := httpapi.New(store, &httpapi.Options{DefaultTeam: "nx"})
	if err != nil {
		panic(err)
	}
	nx, err := nxapi.New(store, nil)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/v8/", turbo)
	mux.Handle("/v1/", nx)

	for _, r := range []*http.Request{
		httptest.NewRequest("PUT", "/v1/cache/1234", strings.NewReader("nx record")),
		httptest.NewRequest("GET", "/v8/artifacts/1234", nil),
		httptest.NewRequest("GET", "/v1/cache/1234", nil),
	} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		fmt.Println(r.Method, r.URL.Path, w.Code)
	}
	// Output:
	// PUT /v1/cache/1234 200
	// GET /v8/artifacts/1234 404
	// GET /v1/cache/1234 200
}

package main

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"

	"github.com/turbocache/turbocache/httpapi"
)

// requireToken serves next only to requests that carry token as their
// bearer token (what Prometheus sends with `authorization` in a scrape
// config), and answers 401 to others. An empty token lets every request
// through.
func requireToken(token string, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	// Digests have one length, so the comparison's time says nothing
	// about the token's length either.
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ := httpapi.BearerToken(r)
		sum := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need the METRICS_TOKEN bearer token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

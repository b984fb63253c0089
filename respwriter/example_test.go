package respwriter_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/turbocache/turbocache/respwriter"
)

// A middleware that logs each request's status code and body size.
func Example() {
	logged := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := respwriter.New(w)
			next.ServeHTTP(rec, r)
			fmt.Println(r.Method, r.URL.Path, rec.Code, rec.Bytes)
		})
	}
	h := logged(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/hello" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "hello, world\n")
	}))

	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/hello", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/missing", nil))
	// Output:
	// GET /hello 200 13
	// GET /missing 404 19
}

package kvtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Error codes the server puts in its envelopes. 10009, 10013, 10000 and
// 7003 are the API's own; the API documents no code for a refused limit, so
// those answers use codeBadRequest with the API's messages and statuses.
const (
	codeNotFound          = 10009
	codeNamespaceNotFound = 10013
	codeAuthentication    = 10000
	codeBadRoute          = 7003
	codeBadRequest        = 10001
	codeRateLimited       = 10429
	codeInternal          = 10500
)

type apiMessage struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// envelope is the JSON wrapper of every answer but a value.
type envelope struct {
	Success    bool         `json:"success"`
	Errors     []apiMessage `json:"errors"`
	Messages   []apiMessage `json:"messages"`
	Result     any          `json:"result"`
	ResultInfo any          `json:"result_info,omitempty"`
}

func writeEnvelope(w http.ResponseWriter, status int, env envelope) {
	if env.Errors == nil {
		env.Errors = []apiMessage{}
	}
	env.Messages = []apiMessage{}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(env)
}

func writeResult(w http.ResponseWriter, result, info any) {
	writeEnvelope(w, http.StatusOK, envelope{Success: true, Result: result, ResultInfo: info})
}

func writeError(w http.ResponseWriter, status, code int, format string, args ...any) {
	writeEnvelope(w, status, envelope{Errors: []apiMessage{{Code: code, Message: fmt.Sprintf(format, args...)}}})
}

// serve routes a request: auth, faults, then the endpoint.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	prefix := "/client/v4/accounts/"
	p := r.URL.EscapedPath()
	rest, ok := strings.CutPrefix(p, prefix)
	if !ok {
		writeError(w, http.StatusNotFound, codeBadRoute, "No route for that URI")
		return
	}
	account, rest, _ := strings.Cut(rest, "/")
	nsPath, ok := strings.CutPrefix(rest, "storage/kv/namespaces/")
	if !ok {
		writeError(w, http.StatusNotFound, codeBadRoute, "No route for that URI")
		return
	}
	namespace, rest, _ := strings.Cut(nsPath, "/")
	if r.Header.Get("Authorization") != "Bearer "+s.Token || account != s.AccountID {
		writeError(w, http.StatusForbidden, codeAuthentication, "Authentication error")
		return
	}
	if namespace != s.NamespaceID {
		writeError(w, http.StatusNotFound, codeNamespaceNotFound, "namespace not found")
		return
	}
	route, key := rest, ""
	for _, r := range []string{"values/", "metadata/"} {
		if escaped, ok := strings.CutPrefix(rest, r); ok {
			k, err := url.PathUnescape(escaped)
			if err != nil {
				writeError(w, http.StatusBadRequest, codeBadRequest, "Could not URL-decode key name")
				return
			}
			route, key = strings.TrimSuffix(r, "/"), k
		}
	}
	if f := s.fault(r.Method, route, key); f != nil {
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if f.Status != 0 {
			if f.RetryAfter > 0 {
				w.Header().Set("Retry-After", retryAfterSeconds(f.RetryAfter))
			}
			code := codeInternal
			if f.Status == http.StatusTooManyRequests {
				code = codeRateLimited
			}
			writeError(w, f.Status, code, "injected fault: %d %s", f.Status, http.StatusText(f.Status))
			return
		}
	}
	switch {
	case route == "values" && r.Method == http.MethodPut:
		s.putValue(w, r, key)
	case route == "values" && r.Method == http.MethodGet:
		s.getValue(w, key)
	case route == "values" && r.Method == http.MethodDelete:
		s.deleteValue(w, key)
	case route == "metadata" && r.Method == http.MethodGet:
		s.getMetadata(w, key)
	case route == "keys" && r.Method == http.MethodGet:
		s.listKeys(w, r)
	case route == "bulk/delete" && r.Method == http.MethodPost:
		s.bulkDelete(w, r)
	default:
		writeError(w, http.StatusNotFound, codeBadRoute, "No route for %s %s", r.Method, route)
	}
}

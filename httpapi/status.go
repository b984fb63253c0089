package httpapi

import "net/http"

// serveStatus serves GET /v8/artifacts/status, which turbo asks once per run.
func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.authorize(w, r, ReadOnly, false); !ok {
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Status string `json:"status"`
	}{h.status})
}

// preflightHeaders are the request headers turbo sends. turbo drops the
// Authorization header from its next request unless the preflight answer
// lists it.
const preflightHeaders = "Authorization, Content-Type, User-Agent, " +
	"x-artifact-duration, x-artifact-tag, x-artifact-sha, x-artifact-dirty-hash, " +
	"x-artifact-client-ci, x-artifact-client-interactive"

// preflight answers a CORS preflight (turbo --preflight) for an endpoint that
// serves methods. It needs no credentials: clients send none with it.
func preflight(w http.ResponseWriter, methods string) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", methods+", OPTIONS")
	h.Set("Access-Control-Allow-Headers", preflightHeaders)
	h.Set("Access-Control-Max-Age", "600")
	h.Set("Allow", methods+", OPTIONS")
	w.WriteHeader(http.StatusOK)
}

package httpapi

import "net/http"

// Status is the state of remote caching that GET /v8/artifacts/status
// reports, and what it means for uploads.
type Status string

// The statuses of the Remote Cache API. Any but StatusEnabled refuses
// uploads with 403 and the code turbo expects for it
// ("remote_caching_disabled" and so on), so that clients skip them
// quietly; downloads are served in every status.
const (
	StatusEnabled   Status = "enabled"    // uploads and downloads
	StatusDisabled  Status = "disabled"   // remote caching is off
	StatusOverLimit Status = "over_limit" // off for usage limits
	StatusPaused    Status = "paused"     // off for now
)

// The error codes of an upload refused by a status other than enabled.
const (
	codeCacheDisabled  = "remote_caching_disabled"
	codeCacheOverLimit = "remote_caching_over_limit"
	codeCachePaused    = "remote_caching_paused"
)

// uploadRefusal is the error code of an upload refused in status s, and
// false when s accepts uploads or is not a Status at all.
func (s Status) uploadRefusal() (string, bool) {
	switch s {
	case StatusDisabled:
		return codeCacheDisabled, true
	case StatusOverLimit:
		return codeCacheOverLimit, true
	case StatusPaused:
		return codeCachePaused, true
	}
	return "", false
}

// valid reports whether s is one of the Status constants.
func (s Status) valid() bool {
	_, refused := s.uploadRefusal()
	return refused || s == StatusEnabled
}

// serveStatus serves GET /v8/artifacts/status, which turbo asks once per run.
func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.authorize(w, r, ReadOnly, false); !ok {
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Status Status `json:"status"`
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

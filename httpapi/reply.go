package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Error codes sent in the JSON body of error answers.
const (
	codeBadRequest    = "bad_request"
	codeUnauthorized  = "unauthorized"
	codeForbidden     = "forbidden"
	codeNotFound      = "not_found"
	codeNotAllowed    = "method_not_allowed"
	codeTooLarge      = "payload_too_large"
	codeNoSpace       = "insufficient_storage"
	codeInternal      = "internal_error"
	codeUnavailable   = "service_unavailable"
	codeCachePrefix   = "remote_caching_" // + the configured status
	contentTypeJSON   = "application/json"
	contentTypeBinary = "application/octet-stream"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeJSON answers status with v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // only values built by this package reach here
		status, body = http.StatusInternalServerError, []byte(`{"error":{"code":"internal_error","message":"encoding the answer failed"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", contentTypeJSON)
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// writeError answers status with the protocol's JSON error body.
func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, errorBody{Error: errorDetail{Code: code, Message: message}})
}

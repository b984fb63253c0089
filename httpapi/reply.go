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
	contentTypeJSON   = "application/json"
	contentTypeBinary = "application/octet-stream"
)

// errorBody is an error answer in both shapes clients read: the published
// Remote Cache API spec's code and message at the top level, and turbo's
// (which reads a 403's reason from them) under "error".
type errorBody struct {
	errorDetail
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
		status, body = http.StatusInternalServerError, []byte(`{"code":"internal_error","message":"encoding the answer failed",`+
			`"error":{"code":"internal_error","message":"encoding the answer failed"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", contentTypeJSON)
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// writeError answers status with the protocol's JSON error body.
func writeError(w http.ResponseWriter, status int, code, message string) {
	d := errorDetail{Code: code, Message: message}
	writeJSON(w, status, errorBody{errorDetail: d, Error: d})
}

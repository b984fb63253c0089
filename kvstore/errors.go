package kvstore

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/turbocache/turbocache/storage"
)

// CodeKeyNotFound is the code the KV API puts in its error envelope for a
// read of a missing key (HTTP 404): the one code the store acts on.
const CodeKeyNotFound = 10009

// APIError is an error answer of the KV API: its HTTP status and the errors
// listed in its envelope. It matches storage.ErrNotFound (errors.Is) when
// it carries CodeKeyNotFound, storage.ErrTooLarge when the status is 413,
// and storage.ErrThrottled when it is 429.
type APIError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Errors are the envelope's errors; empty when the body was no envelope.
	Errors []APIMessage
}

// APIMessage is one entry of an envelope's errors or messages.
type APIMessage struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Error describes the answer: status, then each code and message.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "KV API answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	for i, m := range e.Errors {
		if i == 0 {
			b.WriteString(":")
		} else {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " code %d: %s", m.Code, m.Message)
	}
	return b.String()
}

// Is lets errors.Is see a missing key as storage.ErrNotFound, a value
// refused for its size as storage.ErrTooLarge and a request refused for the
// rate of requests as storage.ErrThrottled.
func (e *APIError) Is(target error) bool {
	switch target {
	case storage.ErrNotFound:
		return e.HasCode(CodeKeyNotFound)
	case storage.ErrTooLarge:
		return e.StatusCode == http.StatusRequestEntityTooLarge
	case storage.ErrThrottled:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// HasCode reports whether the envelope lists code among its errors.
func (e *APIError) HasCode(code int) bool {
	for _, m := range e.Errors {
		if m.Code == code {
			return true
		}
	}
	return false
}

// retryable reports whether an answer with this status may succeed if sent
// again.
func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusRequestTimeout:
		return true
	}
	return false
}

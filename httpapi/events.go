package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxEventsBody bounds the body of an events report.
const maxEventsBody = 1 << 20

// Event is one cache lookup a client reports after a run.
type Event struct {
	// SessionID identifies the client run that made the lookup: a UUID,
	// or empty when the client sent none (turbo's type allows that,
	// although the published spec requires one).
	SessionID string `json:"sessionId"`
	// Source is where the client looked: "LOCAL" or "REMOTE".
	Source string `json:"source"`
	// Event is the outcome: "HIT" or "MISS".
	Event string `json:"event"`
	// Hash is the task hash looked up.
	Hash string `json:"hash"`
	// Duration is, for a hit, the task time saved, in milliseconds; zero
	// when the client sent none.
	Duration int64 `json:"duration"`
}

// validate reports what is wrong with e, if anything.
func (e *Event) validate() error {
	switch {
	case e.Source != "LOCAL" && e.Source != "REMOTE":
		return fmt.Errorf("source %q is neither LOCAL nor REMOTE", e.Source)
	case e.Event != "HIT" && e.Event != "MISS":
		return fmt.Errorf("event %q is neither HIT nor MISS", e.Event)
	case e.Duration < 0:
		return fmt.Errorf("negative duration %d", e.Duration)
	case e.SessionID != "" && !isUUID(e.SessionID):
		return fmt.Errorf("sessionId %.40q is not a UUID", e.SessionID)
	}
	return ValidHash(e.Hash)
}

// MaxEvents is the largest number of events one report may carry; turbo
// sends a few at a time. A longer report is refused with 400.
const MaxEvents = 1000

// events serves POST /v8/artifacts/events.
func (h *Handler) events(w http.ResponseWriter, r *http.Request) {
	if err := checkClient(r); err != nil {
		writeError(w, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	team, ok := h.authorize(w, r, ReadOnly, true)
	if !ok {
		return
	}
	events, err := decodeEvents(http.MaxBytesReader(w, r.Body, maxEventsBody))
	if err != nil {
		writeError(w, statusOf(err), codeBadRequest, "events: "+err.Error())
		return
	}
	if h.onEvents != nil && len(events) > 0 {
		h.onEvents(r.Context(), team, events)
	}
	// 200 with no body, as the spec has it: turbo only reads the status.
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// isUUID reports whether s is a UUID in its text form,
// xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in hexadecimal digits (any version).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// decodeEvents reads a JSON array of events one element at a time,
// validating each as it comes and stopping at the first bad one or at the
// (MaxEvents+1)th, so that what a report makes the server allocate is
// bounded by its body and MaxEvents, not by how many elements the body
// holds.
func decodeEvents(body io.Reader) ([]Event, error) {
	dec := json.NewDecoder(body)
	if tok, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("invalid JSON body: %w", err)
	} else if tok != json.Delim('[') {
		return nil, errors.New("invalid JSON body: not an array of events")
	}
	var events []Event
	for i := 0; dec.More(); i++ {
		if i == MaxEvents {
			return nil, fmt.Errorf("more than %d events", MaxEvents)
		}
		var e Event
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("events[%d]: invalid JSON: %w", i, err)
		}
		if err := e.validate(); err != nil {
			return nil, fmt.Errorf("events[%d]: %w", i, err)
		}
		events = append(events, e)
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, fmt.Errorf("invalid JSON body: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON body: more than one value")
	}
	return events, nil
}

// statusOf is the status for a body that could not be decoded.
func statusOf(err error) int {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

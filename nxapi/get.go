package nxapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/turbocache/turbocache/internal/download"
	"github.com/turbocache/turbocache/internal/reqbody"
	"github.com/turbocache/turbocache/storage"
)

const contentTypeBinary = "application/octet-stream"

// get serves GET (and HEAD) /v1/cache/{hash}.
func (h *Handler) get(w http.ResponseWriter, r *http.Request, team, hash, key string) {
	// One deadline for the whole download: the store's part through the
	// context, the client's through the connection's write deadline, so
	// that neither a stalled store nor a stalled client holds it longer.
	deadline := time.Now().Add(h.downloadTimeout)
	ctx, cancel := context.WithDeadline(r.Context(), deadline)
	defer cancel()
	_ = http.NewResponseController(w).SetWriteDeadline(deadline) // not supported by every ResponseWriter

	body, info, err := download.Open(ctx, h.store, r.Method, key)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		h.lookup(r, team, LookupMiss)
		reply(w, http.StatusNotFound, fmt.Sprintf("no record %s for team %q", hash, team))
		return
	case err != nil && reqbody.ClientGone(r.Context(), err):
		h.gone(r, "get", team, hash, err)
		return
	case err != nil:
		h.lookup(r, team, LookupFailed)
		h.storeFailed(w, r, "get", team, hash, err)
		return
	}
	h.lookup(r, team, LookupHit)
	hd := w.Header()
	hd.Set("Content-Type", contentTypeBinary)
	hd.Set("Content-Length", strconv.FormatInt(info.Size, 10))
	if err := download.Send(w, body, info.Size); err != nil {
		if reqbody.ClientGone(r.Context(), err) {
			h.gone(r, "get", team, hash, err)
			return
		}
		// The status line is gone: the client sees a short body, which
		// makes nx end its run, not use a partial record.
		h.logFailure(r, "get", team, hash, fmt.Errorf("sending %d bytes: %w", info.Size, err))
	}
}

func (h *Handler) lookup(r *http.Request, team string, result Lookup) {
	if h.onLookup != nil {
		h.onLookup(r.Context(), team, result)
	}
}

// storeFailed answers a request whose store call failed, as the failure
// mode says, and logs the failure.
func (h *Handler) storeFailed(w http.ResponseWriter, r *http.Request, op, team, hash string, err error) {
	h.logFailure(r, op, team, hash, err)
	switch {
	case h.failure == ErrorOnStoreFailure:
		reply(w, http.StatusServiceUnavailable, op+" failed: the cache's store is failing")
	case r.Method == http.MethodPut:
		reply(w, http.StatusConflict, "not stored: the cache's store is failing")
	default:
		reply(w, http.StatusNotFound, fmt.Sprintf("no record %s for team %q: the cache's store is failing", hash, team))
	}
}

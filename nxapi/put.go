package nxapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/turbocache/turbocache/internal/reqbody"
	"github.com/turbocache/turbocache/storage"
)

// put serves PUT /v1/cache/{hash}.
func (h *Handler) put(w http.ResponseWriter, r *http.Request, team, hash, key string) {
	body, upload, fits := reqbody.Upload(w, r, h.maxSize)
	if !fits {
		h.tooLarge(w)
		return
	}
	ctx := r.Context()
	err := h.create(ctx, key, upload, r.ContentLength) // -1 when unknown (chunked)
	switch {
	case err == nil:
		reply(w, http.StatusOK, "stored")
	case errors.Is(err, storage.ErrExists):
		reply(w, http.StatusConflict, fmt.Sprintf("record %s of team %q exists; records are never replaced", hash, team))
	case errors.Is(err, storage.ErrTooLarge), body.LimitHit():
		h.tooLarge(w)
	case reqbody.ClientGone(ctx, err) || body.Failed():
		// The upload did not arrive whole; the store kept nothing.
		h.gone(r, "put", team, hash, err)
		reply(w, http.StatusBadRequest, "the upload ended before its Content-Length; nothing was stored")
	case errors.Is(err, io.ErrUnexpectedEOF):
		reply(w, http.StatusBadRequest, "the body is shorter than its Content-Length; nothing was stored")
	default:
		h.storeFailed(w, r, "put", team, hash, err)
	}
}

// create stores a record unless one exists: atomically with the store's own
// primitive when it has one, else under an in-process lock on the key.
func (h *Handler) create(ctx context.Context, key string, r io.Reader, size int64) error {
	if c, ok := h.store.(storage.Creator); ok {
		return c.Create(ctx, key, r, size, storage.Metadata{})
	}
	unlock := h.locks.lock(key)
	defer unlock()
	switch _, err := h.store.Stat(ctx, key); {
	case err == nil:
		// Read the upload all the same, as a Creator does: nx sends the
		// whole body before it reads the answer, and a connection closed
		// under it would look like a failure, which it retries.
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
		return fmt.Errorf("nxapi: %q: %w", key, storage.ErrExists)
	case !errors.Is(err, storage.ErrNotFound):
		return err
	}
	return h.store.Put(ctx, key, r, size, storage.Metadata{})
}

func (h *Handler) tooLarge(w http.ResponseWriter) {
	reply(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("records are limited to %d bytes", h.maxSize))
}
